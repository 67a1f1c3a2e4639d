"""An entry's protective levels ride in its CREATED payload, and only when set: an order
without them keeps the payload it always had."""

from decimal import Decimal

import msgspec

from tradekernel.domain.enums import OrderType, Side
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.orchestration.oms.order_payload import OrderSpec

ENTRY = ExecutionIntent(
    client_order_id="tkA",
    directive_id="d",
    symbol="BTC/USDT",
    side=Side.BUY,
    order_type=OrderType.MARKET,
    quantity=Decimal("0.01"),
)
PLAIN = (
    '{"close_semantics":"open","order_type":"market","price":null,"quantity":"0.01",'
    '"side":"buy","stop_price":null,"symbol":"BTC/USDT","time_in_force":"gtc"}'
)


def test_an_order_without_levels_keeps_its_payload_byte_for_byte() -> None:
    assert OrderSpec.from_intent(ENTRY).to_json() == PLAIN


def test_an_entrys_levels_survive_the_payload() -> None:
    spec = OrderSpec.from_intent(
        msgspec.structs.replace(
            ENTRY, stop_loss_price=Decimal("49000.5"), take_profit_price=Decimal("52000")
        )
    )
    again = OrderSpec.from_json("tkA", spec.to_json())
    assert again == spec
    assert (again.stop_loss_price, again.take_profit_price) == (Decimal("49000.5"), Decimal(52000))
    assert OrderSpec.from_json("tkA", PLAIN).stop_loss_price is None
