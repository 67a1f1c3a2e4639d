"""The decimal contexts money is computed in (venue, ledger): wide enough that nothing rounds.

Notionals, fees, slipped prices and ledger sums are products and sums of a few decimals
of at most a few dozen digits each; 120 significant digits keep them exact, which is what
makes the ledger identity hold to the last digit. Only quotients (average prices, the
cost basis of a partial sell) round, at the usual 28 digits.
"""

from decimal import Context

EXACT = Context(prec=120)
ROUNDED = Context(prec=28)


# The contexts' own bound methods: a Python wrapper around each would cost a frame per
# operation, and a fill takes about twenty of them.
mul = EXACT.multiply
add = EXACT.add
sub = EXACT.subtract
div = ROUNDED.divide
