"""`max_slippage_bps` acts: a market order becomes an IOC limit at the bound, through the
kernel, and a plan without the hint is unchanged."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from test_gate_reasons import CLOSE, PROPERTY, TICK, _context, _kernel, _only_intent, _script

from tradekernel.domain.enums import DirectiveScope, OrderType, Side, TimeInForce
from tradekernel.shared.quantize import ceil_to_step, floor_to_step

bounds = st.decimals(min_value=Decimal(0), max_value=Decimal(500), places=2)


@PROPERTY
@given(bound=bounds)
def test_a_bounded_market_buy_is_an_ioc_limit_never_above_the_bound(bound: Decimal) -> None:
    script = _script(Side.BUY, DirectiveScope.NEW_TRADE, Decimal("0.5"))
    intent = _only_intent(_kernel(f'{script}\nmax_slippage_bps = "{bound}"'), _context())
    assert not intent.skipped, intent.skip_detail
    assert (intent.order_type, intent.time_in_force) == (OrderType.LIMIT, TimeInForce.IOC)
    limit = CLOSE * (1 + bound / 10_000)
    assert intent.price == floor_to_step(limit, TICK)
    assert intent.price <= limit
    assert intent.slippage_bound_bps == bound


@PROPERTY
@given(bound=bounds)
def test_a_bounded_market_close_is_an_ioc_limit_never_below_the_bound(bound: Decimal) -> None:
    script = _script(Side.SELL, DirectiveScope.CLOSE_EXISTING, Decimal("1"))
    kernel = _kernel(f'{script}\nmax_slippage_bps = "{bound}"')
    intent = _only_intent(kernel, _context(held=Decimal("1")))
    assert not intent.skipped, intent.skip_detail
    assert (intent.order_type, intent.time_in_force) == (OrderType.LIMIT, TimeInForce.IOC)
    limit = CLOSE * (1 - bound / 10_000)
    assert intent.price == ceil_to_step(limit, TICK)
    assert intent.price >= limit


def test_without_the_hint_a_market_order_stays_a_market_order() -> None:
    intent = _only_intent(
        _kernel(_script(Side.BUY, DirectiveScope.NEW_TRADE, Decimal("0.5"))), _context()
    )
    assert intent.order_type is OrderType.MARKET and intent.price is None
    assert intent.slippage_bound_bps is None
