"""Aggregator components: each reads named feature columns and scores strength and weakness.

A component scores `(strength, weakness)` as floats in 0..1 on every bar of a history, and
abstains on a bar where its column is absent (NaN: warm-up).
"""

from decimal import Decimal

import attrs
import numpy as np
import numpy.typing as npt

from tradekernel.shared.bars import FloatArray
from tradekernel.shared.param_checks import above, at_least, non_empty, one_of

KINDS = ("trend", "momentum", "regime", "volume")

BoolArray = npt.NDArray[np.bool_]


@attrs.frozen(kw_only=True)
class ComponentParams:
    """One component of the context aggregator.

    `kind` picks the scoring rule for `column`:
    - `trend`: close against a moving-average column; the relative gap
      (close - ma) / ma, divided by `scale`, is the strength when positive and the
      weakness when negative (full score at a gap of `scale`).
    - `momentum`: an RSI column (0..100); strength (rsi - 50) / 50, weakness (50 - rsi) / 50.
    - `regime`: a trending flag column (1.0/0.0); strength is the flag, weakness its
      complement. It also sets the assessment's regime.
    - `volume`: a percentile column (0..1); strength is the percentile, weakness its
      complement.
    """

    name: str = attrs.field(validator=non_empty)
    kind: str = attrs.field(validator=one_of(KINDS))
    column: str = attrs.field(validator=non_empty)
    weight: Decimal = attrs.field(default=Decimal(1), validator=at_least(Decimal(0)))
    scale: Decimal = attrs.field(default=Decimal("0.02"), validator=above(Decimal(0)))


def _clamp(values: FloatArray) -> FloatArray:
    # 1 at or above 1, the value above 0, else 0: NaN maps to 0, as max(0.0, nan) does.
    clamped: FloatArray = np.where(values >= 1.0, 1.0, np.where(values > 0.0, values, 0.0))
    return clamped


def component_scores(
    component: ComponentParams, close: FloatArray, value: FloatArray
) -> tuple[BoolArray, FloatArray, FloatArray]:
    """Return (votes, strength, weakness) of the component on every bar, as the kind says.

    `value` is the component's column, NaN where it is absent (warm-up): the component
    abstains there (`votes` False), as a trend component does where its average is 0. This
    is the one implementation of the rules, for a whole history and for one snapshot alike.
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if component.kind == "trend":
            votes = ~np.isnan(value) & (value != 0.0)
            gap = (close - value) / np.abs(value) / float(component.scale)
            return votes, _clamp(gap), _clamp(-gap)
        votes = ~np.isnan(value)
        if component.kind == "momentum":
            return votes, _clamp((value - 50.0) / 50.0), _clamp((50.0 - value) / 50.0)
        # regime and volume: a value already in 0..1 where high favours trading
        return votes, _clamp(value), _clamp(1.0 - value)
