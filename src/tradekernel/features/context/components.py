"""Aggregator components: each reads named feature columns and scores strength and weakness.

A component returns `(strength, weakness)` as floats in 0..1, or None when a column it
reads is absent from the snapshot (warm-up): it then abstains.
"""

from collections.abc import Callable
from decimal import Decimal

import attrs

from tradekernel.domain.signals import FeatureSnapshot
from tradekernel.shared.param_checks import above, at_least, non_empty, one_of

KINDS = ("trend", "momentum", "regime", "volume")

Score = tuple[float, float]


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


def _clamp(value: float) -> float:
    # min(1, max(0, value)) unrolled; NaN maps to 0 as max(0.0, nan) does.
    if value >= 1.0:
        return 1.0
    return value if value > 0.0 else 0.0


Scorer = Callable[[FeatureSnapshot], Score | None]


def scorer(component: ComponentParams) -> Scorer:
    """Return the component's scoring rule as a function of a snapshot.

    The kind is dispatched once here, not per symbol per cycle; the arithmetic is exactly
    the documented rule (same operations, same order, so the same floats).
    """
    column = component.column
    if component.kind == "trend":
        scale = float(component.scale)

        def trend(snapshot: FeatureSnapshot) -> Score | None:
            value = snapshot.get(column)
            if value is None or value == 0.0:
                return None
            gap = (snapshot.close - value) / abs(value) / scale
            return _clamp(gap), _clamp(-gap)

        return trend
    if component.kind == "momentum":

        def momentum(snapshot: FeatureSnapshot) -> Score | None:
            value = snapshot.get(column)
            if value is None:
                return None
            return _clamp((value - 50.0) / 50.0), _clamp((50.0 - value) / 50.0)

        return momentum

    # regime and volume: a value already in 0..1 where high favours trading
    def unit(snapshot: FeatureSnapshot) -> Score | None:
        value = snapshot.get(column)
        if value is None:
            return None
        return _clamp(value), _clamp(1.0 - value)

    return unit
