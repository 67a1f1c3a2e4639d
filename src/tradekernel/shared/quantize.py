"""Decimal quantisation: to a symbol's increments (conservatively), and of 0..1 scores."""

from collections.abc import Iterable
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

import numpy as np
import numpy.typing as npt

from tradekernel.domain.enums import Side
from tradekernel.shared.bars import FloatArray

IntArray = npt.NDArray[np.signedinteger[Any]]

SCORE_PLACES = Decimal("0.000001")
NAN_MICRO_UNITS = -1  # the micro-units of an undefined (NaN) score
_MICRO_PER_UNIT = 1_000_000
_NAN_SCORE = Decimal(0)
_ZERO_SCORE = Decimal(0).scaleb(-6)
_ONE_SCORE = Decimal(1_000_000).scaleb(-6)


def floor_to_step(quantity: Decimal, step: Decimal) -> Decimal:
    """Return the largest multiple of `step` not above `quantity` (for quantity >= 0)."""
    if step <= 0:
        raise ValueError(f"step must be positive, got {step}")
    units = (quantity / step).to_integral_value(rounding=ROUND_FLOOR)
    return (units * step).quantize(step)


def ceil_to_step(quantity: Decimal, step: Decimal) -> Decimal:
    """Return the smallest multiple of `step` not below `quantity`."""
    if step <= 0:
        raise ValueError(f"step must be positive, got {step}")
    units = (quantity / step).to_integral_value(rounding=ROUND_CEILING)
    return (units * step).quantize(step)


def round_price(price: Decimal, tick: Decimal, side: Side) -> Decimal:
    """Round a limit price to the tick, never to a worse price for us.

    A buy rounds down (never pay more than planned); a sell rounds up (never sell for less).
    """
    if side is Side.BUY:
        return floor_to_step(price, tick)
    return ceil_to_step(price, tick)


def micro_units(value: float) -> int:
    """Return a float score's integer micro-units: clamped to 0..10**6, rounded half to even.

    NaN (an undefined score) is `NAN_MICRO_UNITS`. This is the rule of `to_score`;
    `micro_units_of` is the same rule over an array (a test holds them equal on every
    float, NaN, signed zeros and infinities included).
    """
    if value != value:  # noqa: PLR0124 - NaN, the cheapest test
        return NAN_MICRO_UNITS
    if value <= 0.0:
        return 0
    if value >= 1.0:
        return _MICRO_PER_UNIT
    return round(value * _MICRO_PER_UNIT)


def micro_units_of(values: FloatArray) -> IntArray:
    """Return `micro_units` of every value, vectorised (rint rounds half to even, as round)."""
    with np.errstate(over="ignore", invalid="ignore"):
        scaled = np.rint(values * float(_MICRO_PER_UNIT))
    clamped = np.where(values <= 0.0, 0.0, np.where(values >= 1.0, _MICRO_PER_UNIT, scaled))
    return np.where(np.isnan(values), float(NAN_MICRO_UNITS), clamped).astype(np.int64)


def score_of(micro: int) -> Decimal:
    """Return the score of `micro` micro-units as a Decimal with 6 places.

    `NAN_MICRO_UNITS` (an undefined score) is `Decimal(0)`. The clamped ends (0 and 1, the
    most common) return shared constants with the exponent the product gives
    (`0.000000`, `1.000000`).
    """
    if micro <= 0:
        return _ZERO_SCORE if micro == 0 else _NAN_SCORE
    if micro == _MICRO_PER_UNIT:
        return _ONE_SCORE
    # Times 10**-6 rather than scaleb(-6): the same digits and exponent (the product is
    # exact), a fifth cheaper.
    return Decimal(micro) * SCORE_PLACES


def scores_of(micros: Iterable[int]) -> list[Decimal]:
    """Return `score_of` of each of `micros`, all of which must be >= 0.

    For micro-units >= 0 `score_of` is the product `micro * 10**-6` (its shared constants
    for 0 and 1 have the product's digits and exponent), so this maps the product in C:
    no Python call per value, for the kernel's read-back of a whole row of scores.
    """
    return list(map(SCORE_PLACES.__mul__, micros))


def to_score(value: float) -> Decimal:
    """Clamp a float score to 0..1 and return it as a Decimal with 6 places.

    Integer micro-units (`micro_units`), not `round(x, 6)` through a string. A context
    aggregator quantises whole histories with `micro_units_of` when they are prepared and
    reads a bar's scores back with `score_of`, so both give the same Decimals.
    """
    return score_of(micro_units(value))


def to_decimal(value: float, places: int = 8) -> Decimal:
    """Return a float indicator value as a Decimal rounded to `places` decimal places."""
    return Decimal(repr(round(value, places)))
