"""Split 1 into Decimal fractions that sum to exactly 1 (the last part takes the remainder)."""

from collections.abc import Sequence
from decimal import ROUND_DOWN, Decimal

# Twelve places keep each fraction exact and short in canonical JSON; rounding every part
# but the last down makes the remainder (the last part) never smaller than its true share.
FRACTION_PLACES = Decimal("0.000000000001")


def split_weighted(weights: Sequence[Decimal]) -> tuple[Decimal, ...]:
    """Return fractions proportional to `weights`, summing to exactly `Decimal(1)`.

    Raises:
        ValueError: if `weights` is empty or any weight is not a positive finite Decimal.
    """
    if not weights:
        raise ValueError("split_weighted needs at least one weight")
    for index, weight in enumerate(weights):
        if not weight.is_finite() or weight <= 0:
            raise ValueError(f"weights[{index}] must be positive, got {weight}")
    total = sum(weights, Decimal(0))
    head = tuple(
        (weight / total).quantize(FRACTION_PLACES, rounding=ROUND_DOWN) for weight in weights[:-1]
    )
    return (*head, Decimal(1) - sum(head, Decimal(0)))


def split_equal(count: int) -> tuple[Decimal, ...]:
    """Return `count` equal fractions summing to exactly `Decimal(1)`.

    Raises:
        ValueError: if `count` is below 1.
    """
    if count < 1:
        raise ValueError(f"count must be >= 1, got {count}")
    return split_weighted([Decimal(1)] * count)
