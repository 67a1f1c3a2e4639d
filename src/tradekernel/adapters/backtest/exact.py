"""The decimal context the venue computes money in: wide enough that nothing rounds.

Notionals, fees, slipped prices and ledger sums are products and sums of a few decimals
of at most a few dozen digits each; 120 significant digits keep them exact, which is what
makes the ledger identity hold to the last digit. Only quotients (average prices, the
cost basis of a partial sell) round, at the usual 28 digits.
"""

from decimal import Context, Decimal

EXACT = Context(prec=120)
ROUNDED = Context(prec=28)


def mul(a: Decimal, b: Decimal) -> Decimal:
    return EXACT.multiply(a, b)


def add(a: Decimal, b: Decimal) -> Decimal:
    return EXACT.add(a, b)


def sub(a: Decimal, b: Decimal) -> Decimal:
    return EXACT.subtract(a, b)


def div(a: Decimal, b: Decimal) -> Decimal:
    return ROUNDED.divide(a, b)
