"""A live session's notices: fills read back from the store, state changes, warnings."""

from decimal import Decimal

from tests.fakes.clock import FakeClock
from tests.fakes.order_store import FakeOrderStore

from tradekernel.domain.enums import OrderStatus, OrderType, Side, TradingState
from tradekernel.domain.ports.notifier import NoticeTopic, OperatorNotice
from tradekernel.domain.ports.order_store import OrderEvent
from tradekernel.orchestration.live.order_notices import NoticeKind, OrderNotice
from tradekernel.orchestration.live.runner import CycleReport
from tradekernel.orchestration.notify.live_feed import LiveNotifications
from tradekernel.orchestration.oms.order_payload import OrderSpec


class _Collect:
    def __init__(self) -> None:
        self.notices: list[OperatorNotice] = []

    def notify(self, notice: OperatorNotice) -> None:
        self.notices.append(notice)

    def send_due(self) -> None:
        return None

    def flush(self) -> None:
        return None


def _report(state: TradingState, *notices: OrderNotice) -> CycleReport:
    return CycleReport(
        now_ms=0,
        planned_ts_ms=None,
        trading_state=state,
        stop_new_orders=False,
        notices=notices,
    )


def _order(store: FakeOrderStore, coid: str) -> None:
    spec = OrderSpec(
        client_order_id=coid,
        symbol="BTC/USDT",
        side=Side.BUY,
        order_type=OrderType.LIMIT,
        quantity=Decimal("0.5"),
        price=Decimal(100),
    )
    store.append(
        OrderEvent(client_order_id=coid, kind=OrderStatus.CREATED, ts_ms=1, payload=spec.to_json())
    )


def _filled(store: FakeOrderStore, coid: str, price: str) -> None:
    _order(store, coid)
    fill = OrderEvent(
        client_order_id=coid,
        kind=OrderStatus.FILLED,
        ts_ms=2,
        trade_id=f"t-{coid}",
        quantity=Decimal("0.5"),
        price=Decimal(price),
    )
    store.append(fill)


def test_only_events_stored_after_the_start_are_notified() -> None:
    store, sink = FakeOrderStore(), _Collect()
    _filled(store, "old", "100")
    live = LiveNotifications(sink, store=store, clock=FakeClock())
    _filled(store, "new", "101")
    live.cycle(_report(TradingState.ACTIVE))
    live.cycle(_report(TradingState.ACTIVE))
    assert [(n.topic, n.text) for n in sink.notices] == [
        (NoticeTopic.FILL, "filled: buy BTC/USDT (new) 0.5 @ 101")
    ]


def test_a_halt_and_a_warning_are_notified_once() -> None:
    store, sink = FakeOrderStore(), _Collect()
    live = LiveNotifications(sink, store=store, clock=FakeClock())
    warning = OrderNotice(kind=NoticeKind.GONE, client_order_id="c1", detail="settled as lost")
    routine = OrderNotice(kind=NoticeKind.FOUND, client_order_id="c2", detail="found")
    live.cycle(_report(TradingState.HALTED, warning, routine))
    live.cycle(_report(TradingState.HALTED))
    live.refused(RuntimeError("the venue holds 1 unknown order"))
    assert [n.topic for n in sink.notices] == [
        NoticeTopic.HALT,
        NoticeTopic.ERROR,
        NoticeTopic.STARTUP_REFUSAL,
    ]
    assert "gone: order c1 settled as lost" in sink.notices[1].text
    assert sink.notices[2].text == "start refused: the venue holds 1 unknown order"
