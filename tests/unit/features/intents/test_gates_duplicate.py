"""The duplicate-order gate: an intent equal to a working order, by id or shape, is skipped."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from tradekernel.domain.enums import OrderType, Side, SkipReason
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.market import SymbolRules
from tradekernel.domain.orders import OpenOrderView
from tradekernel.features.intents.gates import Gatekeeper
from tradekernel.features.intents.inputs import IntentInputs
from tradekernel.features.intents.settings import IntentSettings

SYMBOLS = ("BTC/USD", "ETH/USD")
IDS = ("tk" + "0" * 30, "tk" + "1" * 30, "tk" + "2" * 30)
PRICES = (Decimal("100.00"), Decimal("101.00"))


def _rules(symbol: str) -> SymbolRules:
    base, _, quote = symbol.partition("/")
    return SymbolRules(
        symbol=symbol,
        base=base,
        quote=quote,
        tick_size=Decimal("0.01"),
        step_size=Decimal("0.001"),
        min_notional=Decimal("0"),
    )


def _inputs(working: tuple[OpenOrderView, ...]) -> IntentInputs:
    return IntentInputs(
        run_id="r",
        cycle_ts_ms=1,
        universe=frozenset(SYMBOLS),
        rules={symbol: _rules(symbol) for symbol in SYMBOLS},
        marks={symbol: Decimal("100") for symbol in SYMBOLS},
        positions={},
        open_orders=working,
        free_balances={"USD": Decimal("10000000")},
    )


def _first_equal(intent: ExecutionIntent, working: tuple[OpenOrderView, ...]) -> str | None:
    # The rule, written plainly: the first working order with the intent's id or shape.
    for order in working:
        if order.client_order_id == intent.client_order_id or (
            order.symbol == intent.symbol
            and order.side is intent.side
            and order.order_type is intent.order_type
            and order.price == intent.price
            and order.reduce_only == intent.reduce_only
        ):
            return order.client_order_id
    return None


orders = st.builds(
    OpenOrderView,
    symbol=st.sampled_from(SYMBOLS),
    side=st.sampled_from(Side),
    order_type=st.just(OrderType.LIMIT),
    price=st.sampled_from(PRICES),
    quantity=st.just(Decimal("1")),
    client_order_id=st.sampled_from(IDS),
)


@given(
    working=st.lists(orders, max_size=4).map(tuple),
    symbol=st.sampled_from(SYMBOLS),
    side=st.sampled_from(Side),
    price=st.sampled_from(PRICES),
    client_order_id=st.sampled_from((*IDS, "tk" + "9" * 30)),
)
def test_an_intent_is_skipped_as_duplicate_exactly_when_a_working_order_equals_it(
    working: tuple[OpenOrderView, ...],
    symbol: str,
    side: Side,
    price: Decimal,
    client_order_id: str,
) -> None:
    intent = ExecutionIntent(
        client_order_id=client_order_id,
        directive_id="dir-1",
        symbol=symbol,
        side=side,
        order_type=OrderType.LIMIT,
        quantity=Decimal("1.000"),
        price=price,
    )
    gated = Gatekeeper(IntentSettings(quote_asset="USD"), _inputs(working)).admit(intent)
    equal = _first_equal(intent, working)
    assert (gated.skip_reason is SkipReason.DUPLICATE_OPEN_ORDER) == (equal is not None)
    if equal is not None:
        assert equal in gated.skip_detail
