"""One script against every implementation of each store port: the SQLite adapters and
the in-memory fakes of `tests/fakes` must give the same answers.

Covered: `OrderEventStore` (SQLite, `FakeOrderStore`), `ControlStore` (SQLite,
`FakeControlStore`), `BackoffStore` (SQLite, `FakeBackoffStore`). Not covered: the
journal and the sequence store have no in-memory fake (every test records through
SQLite), so there is nothing to compare them with; the SQLite backoff store's per-bot
scoping is a property of that adapter alone (a fake holds one bot) and is tested with it.
"""

from collections.abc import Callable, Iterator
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.fakes.backoff_store import FakeBackoffStore
from tests.fakes.control_store import FakeControlStore
from tests.fakes.order_store import FakeOrderStore

from tradekernel.adapters.sqlite.backoff_store import SqliteBackoffStore
from tradekernel.adapters.sqlite.control_store import SqliteControlStore
from tradekernel.adapters.sqlite.database import connect
from tradekernel.adapters.sqlite.order_event_store import SqliteOrderEventStore
from tradekernel.domain.enums import OrderStatus, TradingState
from tradekernel.domain.ports.backoff_store import BackoffRecord, BackoffStore
from tradekernel.domain.ports.control_store import ControlRecord, ControlStore
from tradekernel.domain.ports.order_store import OrderEvent, OrderEventStore


def _sqlite_order_events() -> OrderEventStore:
    return SqliteOrderEventStore(connect(":memory:"))


def _sqlite_control() -> ControlStore:
    return SqliteControlStore(connect(":memory:"))


def _sqlite_backoff() -> BackoffStore:
    return SqliteBackoffStore(connect(":memory:"), bot_id="conformance")


ORDER_EVENT_STORES: dict[str, Callable[[], OrderEventStore]] = {
    "sqlite": _sqlite_order_events,
    "fake": FakeOrderStore,
}
CONTROL_STORES: dict[str, Callable[[], ControlStore]] = {
    "sqlite": _sqlite_control,
    "fake": FakeControlStore,
}
BACKOFF_STORES: dict[str, Callable[[], BackoffStore]] = {
    "sqlite": _sqlite_backoff,
    "fake": FakeBackoffStore,
}


@pytest.fixture(params=sorted(ORDER_EVENT_STORES))
def order_events(request: pytest.FixtureRequest) -> Iterator[OrderEventStore]:
    yield ORDER_EVENT_STORES[request.param]()


@pytest.fixture(params=sorted(CONTROL_STORES))
def control(request: pytest.FixtureRequest) -> Iterator[ControlStore]:
    yield CONTROL_STORES[request.param]()


@pytest.fixture(params=sorted(BACKOFF_STORES))
def backoff(request: pytest.FixtureRequest) -> Iterator[BackoffStore]:
    yield BACKOFF_STORES[request.param]()


def _event(coid: str, kind: OrderStatus, ts_ms: int, trade_id: str | None = None) -> OrderEvent:
    filled = trade_id is not None
    return OrderEvent(
        client_order_id=coid,
        kind=kind,
        ts_ms=ts_ms,
        payload='{"why": "conformance"}',
        trade_id=trade_id,
        quantity=Decimal("0.5") if filled else None,
        price=Decimal("101.25") if filled else None,
    )


def test_order_events_get_increasing_sequences_and_read_back_per_order_and_since(
    order_events: OrderEventStore,
) -> None:
    stored = [
        order_events.append(_event("a", OrderStatus.SUBMITTED, 1)),
        order_events.append(_event("b", OrderStatus.SUBMITTED, 2)),
        order_events.append(_event("a", OrderStatus.ACCEPTED, 3)),
        order_events.append(_event("a", OrderStatus.PARTIALLY_FILLED, 4, trade_id="t1")),
    ]
    assert [e.sequence for e in stored] == [1, 2, 3, 4]
    assert list(order_events.events_for("a")) == [stored[0], stored[2], stored[3]]
    assert list(order_events.events_for("missing")) == []
    assert list(order_events.all_events()) == stored
    assert list(order_events.all_events(since_sequence=2)) == stored[2:]
    assert stored[3].quantity == Decimal("0.5") and stored[3].price == Decimal("101.25")


def test_a_fill_is_stored_once_per_order_and_trade_id(order_events: OrderEventStore) -> None:
    first = order_events.append(_event("a", OrderStatus.FILLED, 5, trade_id="t9"))
    again = order_events.append(_event("a", OrderStatus.FILLED, 6, trade_id="t9"))
    other_order = order_events.append(_event("b", OrderStatus.FILLED, 7, trade_id="t9"))
    assert again == first
    assert [e.sequence for e in order_events.all_events()] == [1, 2]
    assert other_order.sequence == 2


EVENT_SCRIPT = st.lists(
    st.tuples(
        st.sampled_from(["a", "b", "c"]),
        st.sampled_from([OrderStatus.SUBMITTED, OrderStatus.FILLED, OrderStatus.CANCELLED]),
        st.one_of(st.none(), st.sampled_from(["t1", "t2"])),
    ),
    max_size=12,
)


@given(EVENT_SCRIPT, st.integers(0, 14))
def test_every_order_event_store_answers_a_script_the_same_way(
    script: list[tuple[str, OrderStatus, str | None]], since: int
) -> None:
    answers = []
    for build in ORDER_EVENT_STORES.values():
        store = build()
        appended = [
            store.append(_event(coid, kind, ts, trade_id))
            for ts, (coid, kind, trade_id) in enumerate(script)
        ]
        answers.append(
            (
                appended,
                list(store.all_events(since)),
                {coid: list(store.events_for(coid)) for coid in ("a", "b", "c")},
            )
        )
    assert answers[0] == answers[1]


def _control(bot_id: str, state: TradingState, updated_ms: int) -> ControlRecord:
    return ControlRecord(
        bot_id=bot_id, state=state, reason=f"{state.value} test", updated_ms=updated_ms
    )


def test_a_control_record_reads_back_replaced_per_bot(control: ControlStore) -> None:
    assert control.read("bot-1") is None
    halted = _control("bot-1", TradingState.HALTED, 10)
    control.write(halted)
    assert control.read("bot-1") == halted
    assert control.read("bot-2") is None
    resumed = _control("bot-1", TradingState.ACTIVE, 20)
    reducing = _control("bot-2", TradingState.REDUCING, 30)
    control.write(resumed)
    control.write(reducing)
    assert control.read("bot-1") == resumed
    assert control.read("bot-2") == reducing


def _cooldown(symbol: str, failures: int) -> BackoffRecord:
    return BackoffRecord(
        symbol=symbol,
        failures=failures,
        until_ms=1_000 * failures,
        reason="insufficient funds",
        updated_ms=5,
    )


def test_cooldowns_load_sorted_by_symbol_replaced_and_cleared(backoff: BackoffStore) -> None:
    assert list(backoff.load()) == []
    backoff.save(_cooldown("ETH/USD", 1))
    backoff.save(_cooldown("BTC/USD", 1))
    backoff.save(_cooldown("ETH/USD", 2))
    assert list(backoff.load()) == [_cooldown("BTC/USD", 1), _cooldown("ETH/USD", 2)]
    backoff.clear("BTC/USD")
    backoff.clear("never-saved")
    assert list(backoff.load()) == [_cooldown("ETH/USD", 2)]
