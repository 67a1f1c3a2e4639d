"""The `ranked` selector: the top N candidates by quote volume or liquidity."""

from collections.abc import Sequence
from decimal import Decimal
from enum import StrEnum
from typing import Any

import attrs

from tradekernel.domain.stage_inputs import UniverseCandidate


class RankBy(StrEnum):
    QUOTE_VOLUME = "quote_volume"
    LIQUIDITY = "liquidity"


def _check_top_n(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"RankedParams.top_n: expected an integer >= 1, got {value!r}")


def _check_by(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if not isinstance(value, RankBy):
        raise ValueError(f"RankedParams.by: expected 'quote_volume' or 'liquidity', got {value!r}")


def _check_minimum(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
        raise ValueError(f"RankedParams.min_value: expected a decimal string >= 0, got {value!r}")


@attrs.frozen(kw_only=True)
class RankedParams:
    """Keep the `top_n` candidates by `by`, among those with a value >= `min_value`."""

    top_n: int = attrs.field(validator=_check_top_n)
    by: RankBy = attrs.field(default=RankBy.QUOTE_VOLUME, validator=_check_by)
    min_value: Decimal = attrs.field(default=Decimal(0), validator=_check_minimum)


class RankedSelector:
    """Rank by value descending, ties broken by symbol ascending: deterministic."""

    def __init__(self, params: RankedParams) -> None:
        self._params = params

    def select(self, candidates: Sequence[UniverseCandidate]) -> Sequence[str]:
        """Return the top-N symbols, in rank order."""
        by = self._params.by

        def value(candidate: UniverseCandidate) -> Decimal:
            return candidate.quote_volume if by is RankBy.QUOTE_VOLUME else candidate.liquidity

        best: dict[str, Decimal] = {}
        for candidate in candidates:
            # A symbol listed twice keeps its largest value, whatever the input order.
            best[candidate.symbol] = max(
                value(candidate), best.get(candidate.symbol, value(candidate))
            )
        eligible = [(v, s) for s, v in best.items() if v >= self._params.min_value]
        ranked = sorted(eligible, key=lambda item: (-item[0], item[1]))
        return tuple(symbol for _, symbol in ranked[: self._params.top_n])
