from decimal import Decimal

import pytest

from tradekernel.domain.enums import OrderStatus, OrderType, Side
from tradekernel.domain.ports.order_store import OrderEvent
from tradekernel.orchestration.oms.order_payload import OrderSpec
from tradekernel.orchestration.oms.order_state import fold
from tradekernel.orchestration.oms.transitions import ALLOWED_EVENTS

COID = "tkORDER1"
SPEC = OrderSpec(
    client_order_id=COID,
    symbol="BTC/USDT",
    side=Side.BUY,
    order_type=OrderType.LIMIT,
    quantity=Decimal("1.0"),
    price=Decimal(100),
)


def _events(*specs: tuple[OrderStatus, str | None, str | None, str | None]) -> list[OrderEvent]:
    events = [
        OrderEvent(
            client_order_id=COID,
            kind=OrderStatus.CREATED,
            ts_ms=1,
            payload=SPEC.to_json(),
            sequence=1,
        )
    ]
    for index, (kind, trade_id, quantity, price) in enumerate(specs, start=2):
        events.append(
            OrderEvent(
                client_order_id=COID,
                kind=kind,
                ts_ms=index,
                trade_id=trade_id,
                quantity=None if quantity is None else Decimal(quantity),
                price=None if price is None else Decimal(price),
                sequence=index,
            )
        )
    return events


def _fill(qty: str, price: str, trade_id: str) -> tuple[OrderStatus, str, str, str]:
    return (OrderStatus.PARTIALLY_FILLED, trade_id, qty, price)


def _status(kind: OrderStatus) -> tuple[OrderStatus, None, None, None]:
    return (kind, None, None, None)


def test_created_payload_round_trips_the_order_spec() -> None:
    state = fold(_events())
    assert state.spec == SPEC
    assert state.status is OrderStatus.CREATED


def test_partial_fills_accumulate_quantity_and_weighted_average_price() -> None:
    state = fold(
        _events(
            _status(OrderStatus.SUBMITTED),
            _status(OrderStatus.ACCEPTED),
            _fill("0.25", "100", "t1"),
            _fill("0.5", "106", "t2"),
        )
    )
    assert state.status is OrderStatus.PARTIALLY_FILLED
    assert state.filled_quantity == Decimal("0.75")
    # (0.25*100 + 0.5*106) / 0.75 = 104
    assert state.average_price == Decimal(104)
    assert state.remaining_quantity == Decimal("0.25")


def test_repeated_trade_id_counts_once_without_an_anomaly() -> None:
    state = fold(
        _events(
            _status(OrderStatus.ACCEPTED),
            _fill("0.4", "100", "t1"),
            _fill("0.4", "100", "t1"),
        )
    )
    assert state.filled_quantity == Decimal("0.4")
    assert state.anomalies == ()


def test_same_trade_id_with_other_quantity_is_a_conflicting_fill_anomaly() -> None:
    state = fold(
        _events(_status(OrderStatus.ACCEPTED), _fill("0.4", "100", "t1"), _fill("0.5", "100", "t1"))
    )
    assert state.filled_quantity == Decimal("0.4")
    assert [anomaly.code for anomaly in state.anomalies] == ["conflicting_fill"]


def test_overfill_is_recorded_as_anomaly_and_not_applied() -> None:
    state = fold(
        _events(_status(OrderStatus.ACCEPTED), _fill("0.7", "100", "t1"), _fill("0.4", "100", "t2"))
    )
    assert state.filled_quantity == Decimal("0.7")
    assert state.status is OrderStatus.PARTIALLY_FILLED
    (anomaly,) = state.anomalies
    assert (anomaly.code, anomaly.sequence) == ("overfill", 4)


def test_fill_reaching_the_quantity_sets_filled_whatever_the_event_kind_says() -> None:
    state = fold(
        _events(_status(OrderStatus.ACCEPTED), _fill("0.4", "100", "t1"), _fill("0.6", "100", "t2"))
    )
    assert state.status is OrderStatus.FILLED
    assert state.is_terminal


def test_fill_after_cancel_request_is_applied_and_cancel_stays_pending() -> None:
    state = fold(
        _events(
            _status(OrderStatus.ACCEPTED),
            _status(OrderStatus.CANCEL_REQUESTED),
            _fill("0.3", "100", "t1"),
        )
    )
    assert state.filled_quantity == Decimal("0.3")
    assert state.status is OrderStatus.CANCEL_REQUESTED


def test_late_fill_after_cancelled_is_applied_and_status_stays_cancelled() -> None:
    state = fold(
        _events(
            _status(OrderStatus.ACCEPTED),
            _status(OrderStatus.CANCEL_REQUESTED),
            _status(OrderStatus.CANCELLED),
            _fill("1.0", "100", "t1"),
        )
    )
    assert state.filled_quantity == Decimal("1.0")
    assert state.status is OrderStatus.CANCELLED


@pytest.mark.parametrize(
    ("history", "illegal"),
    [
        ((), OrderStatus.CANCELLED),
        ((OrderStatus.REJECTED,), OrderStatus.ACCEPTED),
        ((OrderStatus.ACCEPTED,), OrderStatus.SUBMITTED),
        ((OrderStatus.ACCEPTED,), OrderStatus.CREATED),
        ((OrderStatus.ACCEPTED, OrderStatus.CANCELLED), OrderStatus.ACCEPTED),
    ],
)
def test_illegal_transition_is_refused_and_recorded(
    history: tuple[OrderStatus, ...], illegal: OrderStatus
) -> None:
    before = fold(_events(*(_status(kind) for kind in history)))
    after = fold(_events(*(_status(kind) for kind in (*history, illegal))))
    assert after.status is before.status
    (anomaly,) = after.anomalies
    assert anomaly.code == "illegal_transition"
    assert anomaly.kind is illegal
    assert anomaly.status is before.status


def test_fill_without_trade_id_is_invalid_and_ignored() -> None:
    state = fold(_events(_status(OrderStatus.ACCEPTED), (OrderStatus.FILLED, None, "1", "100")))
    assert state.filled_quantity == 0
    assert [anomaly.code for anomaly in state.anomalies] == ["invalid_fill"]


def test_fold_refuses_a_history_that_does_not_start_with_created() -> None:
    events = _events(_status(OrderStatus.ACCEPTED))[1:]
    with pytest.raises(ValueError, match="expected created"):
        fold(events)


def test_created_payload_missing_a_field_names_the_order_and_field() -> None:
    event = OrderEvent(client_order_id=COID, kind=OrderStatus.CREATED, ts_ms=1, payload="{}")
    with pytest.raises(ValueError, match=r"tkORDER1.*'symbol'"):
        fold([event])


def test_terminal_statuses_accept_no_status_events() -> None:
    assert ALLOWED_EVENTS[OrderStatus.FILLED] == frozenset()
    assert ALLOWED_EVENTS[OrderStatus.VENUE_CHECK] == frozenset()  # never a status
    # LOST takes late fills: a vanished order's trade is still money that moved.
    for status in (
        OrderStatus.CANCELLED,
        OrderStatus.EXPIRED,
        OrderStatus.REJECTED,
        OrderStatus.LOST,
    ):
        assert ALLOWED_EVENTS[status] == {OrderStatus.PARTIALLY_FILLED, OrderStatus.FILLED}
    # Every status has a row: a missing one would raise KeyError mid-fold.
    assert set(ALLOWED_EVENTS) == {None, *OrderStatus}
