"""The one decimal arithmetic context planning runs in, whatever the process has set.

Decimal contexts are ambient (per thread and task), and libraries change them: ccxt's
`decimal_to_precision` sets ROUND_HALF_UP and traps Underflow on the context of whichever
thread calls it. A kernel that used the ambient context would plan differently in a live
process that had called ccxt than in a backtest. Planning code runs inside
`planning_decimals()` instead: 28 significant digits, round half even, the default traps.
"""

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import (
    ROUND_HALF_EVEN,
    Context,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    localcontext,
)
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

PLANNING_CONTEXT = Context(
    prec=28, rounding=ROUND_HALF_EVEN, traps=[InvalidOperation, DivisionByZero, Overflow]
)


@contextmanager
def planning_decimals() -> Iterator[None]:
    """Run the block with `PLANNING_CONTEXT` as the current decimal context."""
    with localcontext(PLANNING_CONTEXT):
        yield


def in_planning_decimals(function: Callable[P, R]) -> Callable[P, R]:
    """Decorate a planning entry point so its body runs in `PLANNING_CONTEXT`."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with localcontext(PLANNING_CONTEXT):
            return function(*args, **kwargs)

    return wrapper
