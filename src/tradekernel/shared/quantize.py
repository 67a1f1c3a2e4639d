"""Decimal quantisation to a symbol's increments, always in the conservative direction."""

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from tradekernel.domain.enums import Side

SCORE_PLACES = Decimal("0.000001")
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


def to_score(value: float) -> Decimal:
    """Clamp a float score to 0..1 and return it as a Decimal with 6 places.

    Integer micro-units, not `round(x, 6)` through a string: this runs for every score of
    every symbol in every cycle. Clamped scores (0 and 1 are the most common) return shared
    constants with the exponent the integer path gives (`0.000000`, `1.000000`).
    """
    if value != value:  # noqa: PLR0124 - NaN, the cheapest test
        return _NAN_SCORE
    if value <= 0.0:
        return _ZERO_SCORE
    if value >= 1.0:
        return _ONE_SCORE
    # Times 10**-6 rather than scaleb(-6): the same digits and exponent (the product is
    # exact), a fifth cheaper.
    return Decimal(round(value * 1_000_000)) * SCORE_PLACES


def to_decimal(value: float, places: int = 8) -> Decimal:
    """Return a float indicator value as a Decimal rounded to `places` decimal places."""
    return Decimal(repr(round(value, places)))
