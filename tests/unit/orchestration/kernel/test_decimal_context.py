"""Plans do not depend on the ambient decimal context (ccxt changes it as it runs)."""

import decimal
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal

import pytest
from kernel_fixtures import context_at, real_series, rich_kernel

from tradekernel.orchestration.records.canonical import plan_hash

KERNEL = rich_kernel()
SERIES = real_series(KERNEL)


@pytest.fixture
def hostile_context() -> Iterator[None]:
    """What ccxt's decimal_to_precision leaves behind, and worse: a tiny precision."""
    saved = decimal.getcontext().copy()
    context = decimal.getcontext()
    context.rounding = ROUND_HALF_UP
    context.prec = 6
    context.traps[decimal.Underflow] = True
    try:
        yield
    finally:
        decimal.setcontext(saved)


def _hashes() -> list[str]:
    return [
        plan_hash(
            KERNEL.plan(
                context_at(
                    KERNEL,
                    SERIES,
                    index,
                    cash=Decimal("12345.67"),
                    held=Decimal("0.37"),
                    with_order=True,
                )
            )
        )
        for index in range(200, 3000, 211)
    ]


def test_plans_ignore_the_ambient_decimal_context(hostile_context: None) -> None:
    hostile = _hashes()
    decimal.setcontext(decimal.Context())
    assert hostile == _hashes()


def test_the_caller_context_is_left_as_it_was(hostile_context: None) -> None:
    _hashes()
    assert decimal.getcontext().prec == 6
    assert decimal.getcontext().rounding == ROUND_HALF_UP
