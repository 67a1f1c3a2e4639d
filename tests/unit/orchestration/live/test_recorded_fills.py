"""The live fold of recorded fills: a fill reads at its order's decimal places, as the
simulated venue books it, so a position (and a directive sized from it) is written alike."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from tradekernel.domain.enums import OrderStatus, OrderType, Side
from tradekernel.domain.ports.order_store import OrderEvent
from tradekernel.orchestration.live.recorded_fills import (
    at_order_scale,
    ledger_of,
    recorded_fills,
)
from tradekernel.orchestration.oms.order_payload import OrderSpec

SYMBOL = "ETH/BTC"


def _events(ordered: str, filled: str) -> list[OrderEvent]:
    spec = OrderSpec(
        client_order_id="c1",
        symbol=SYMBOL,
        side=Side.BUY,
        order_type=OrderType.MARKET,
        quantity=Decimal(ordered),
    )
    return [
        OrderEvent(client_order_id="c1", kind=OrderStatus.CREATED, ts_ms=1, payload=spec.to_json()),
        OrderEvent(
            client_order_id="c1",
            kind=OrderStatus.FILLED,
            ts_ms=2,
            trade_id="t1",
            quantity=Decimal(filled),
            price=Decimal("0.05"),
        ),
    ]


def test_a_fill_reported_without_trailing_zeros_reads_at_the_orders_places() -> None:
    # ccxt hands Binance's "3.00000000" over as the float 3.0: the position must still
    # read 3.00000000, as the backtest's does, or a close sized from it hashes differently.
    (fill,) = recorded_fills(_events("3.00000000", "3"))
    assert str(fill.quantity) == "3.00000000"
    position = ledger_of([fill], {SYMBOL: "ETH"}).positions()[SYMBOL]
    assert str(position.quantity) == "3.00000000"


def test_a_fill_with_more_places_than_its_order_keeps_them() -> None:
    (fill,) = recorded_fills(_events("3", "2.5"))
    assert str(fill.quantity) == "2.5"


@given(
    st.decimals(min_value=0, max_value=10**9, allow_nan=False, places=8),
    st.integers(min_value=0, max_value=12),
)
def test_the_scale_changes_the_form_never_the_value(quantity: Decimal, places: int) -> None:
    ordered = Decimal(1).scaleb(-places)
    scaled = at_order_scale(quantity.normalize(), ordered)
    assert scaled == quantity
    assert -scaled.as_tuple().exponent >= min(places, -quantity.normalize().as_tuple().exponent)
