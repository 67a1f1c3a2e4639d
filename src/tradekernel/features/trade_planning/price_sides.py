"""Which side of the reference a protective stop and a take-profit belong on."""

from decimal import Decimal

from tradekernel.domain.enums import Side


def is_protective_stop(side: Side, reference: Decimal, price: Decimal | None) -> bool:
    """Return True if `price` is a usable stop for a position opened by `side` at `reference`.

    A buy's stop is strictly below the reference (and positive), a sell's strictly above.
    """
    if price is None or not price.is_finite():
        return False
    if side is Side.BUY:
        return Decimal(0) < price < reference
    return price > reference


def is_take_profit(side: Side, reference: Decimal, price: Decimal | None) -> bool:
    """Return True if `price` is a usable take-profit: above a buy's reference, below a sell's."""
    if price is None or not price.is_finite():
        return False
    if side is Side.BUY:
        return price > reference
    return Decimal(0) < price < reference


def toward_loss(side: Side, reference: Decimal, distance: Decimal) -> Decimal:
    """Return the price `distance` away from `reference` in the losing direction."""
    return reference - distance if side is Side.BUY else reference + distance


def toward_profit(side: Side, reference: Decimal, distance: Decimal) -> Decimal:
    """Return the price `distance` away from `reference` in the winning direction."""
    return reference + distance if side is Side.BUY else reference - distance
