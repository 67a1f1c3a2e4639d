"""The `static` selector: a fixed list of symbols."""

from collections.abc import Sequence
from typing import Any

import attrs

from tradekernel.domain.stage_inputs import UniverseCandidate
from tradekernel.features.universe.symbols import InvalidSymbol, normalize_symbol


def _normalise_all(value: object) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, (tuple, list)):
        raise ValueError(f"StaticParams.symbols: expected a list of symbols, got {value!r}")
    out = []
    for index, text in enumerate(value):
        if not isinstance(text, str):
            raise ValueError(f"StaticParams.symbols[{index}]: expected a string, got {text!r}")
        try:
            out.append(normalize_symbol(text))
        except InvalidSymbol as error:
            raise ValueError(f"StaticParams.symbols[{index}]: {error}") from error
    return tuple(sorted(set(out)))


def _non_empty(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if not value:
        raise ValueError("StaticParams.symbols: expected at least one symbol")


@attrs.frozen(kw_only=True)
class StaticParams:
    """`symbols`: the list to trade (normalised and sorted; `BTC-USDT` is accepted)."""

    symbols: tuple[str, ...] = attrs.field(converter=_normalise_all, validator=_non_empty)


class StaticSelector:
    """Select the listed symbols that are among the candidates (a symbol without data is not)."""

    def __init__(self, params: StaticParams) -> None:
        self._params = params

    def select(self, candidates: Sequence[UniverseCandidate]) -> Sequence[str]:
        """Return the listed symbols present in `candidates`, sorted."""
        available = {candidate.symbol for candidate in candidates}
        return tuple(symbol for symbol in self._params.symbols if symbol in available)
