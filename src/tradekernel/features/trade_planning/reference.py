"""Exact Decimal views of a feature snapshot: the reference price and feature values."""

import math
from decimal import Decimal

from tradekernel.domain.enums import Side
from tradekernel.domain.signals import FeatureSnapshot

BPS_PER_UNIT = Decimal(10000)
# A tuple made once: `int | float` in the call would build a union object every time.
_NUMBERS = (int, float)


def reference_price(snapshot: FeatureSnapshot) -> Decimal:
    """Return `snapshot.close` as an exact Decimal (via its shortest repr).

    Raises:
        ValueError: if the close is not a positive finite number; planning has nothing to
            anchor prices or quantities to, and guessing one would trade on bad data.
    """
    close = snapshot.close
    if isinstance(close, bool) or not isinstance(close, _NUMBERS):
        raise ValueError(
            f"snapshot.close of {snapshot.symbol} at {snapshot.ts_ms} must be a number, "
            f"got {close!r}"
        )
    if not math.isfinite(close) or close <= 0:
        raise ValueError(
            f"snapshot.close of {snapshot.symbol} at {snapshot.ts_ms} must be a positive "
            f"finite price, got {close!r}"
        )
    return Decimal(repr(float(close)))


def positive_feature(snapshot: FeatureSnapshot, column: str) -> Decimal | None:
    """Return a feature value as a Decimal, or None if absent (warm-up), non-finite or <= 0.

    Distances and levels read by the planners (ATR, swing levels) are only meaningful when
    positive, so anything else is treated as "not known yet".
    """
    value = snapshot.get(column)
    if value is None or not math.isfinite(value) or value <= 0:
        return None
    return Decimal(repr(float(value)))


def passive_price(reference: Decimal, side: Side, offset_bps: Decimal) -> Decimal:
    """Return the price `offset_bps` away from `reference` on the passive side.

    A buy rests below the reference, a sell above it.
    """
    shift = reference * offset_bps / BPS_PER_UNIT
    return reference - shift if side is Side.BUY else reference + shift
