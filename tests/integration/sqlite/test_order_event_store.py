import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from tradekernel.adapters.sqlite.control_store import SqliteControlStore
from tradekernel.adapters.sqlite.database import connect
from tradekernel.adapters.sqlite.order_event_store import SqliteOrderEventStore
from tradekernel.domain.enums import OrderStatus, TradingState
from tradekernel.domain.errors import DataError
from tradekernel.domain.ports.control_store import ControlRecord
from tradekernel.domain.ports.order_store import OrderEvent


def _event(coid: str, kind: OrderStatus, **extra: object) -> OrderEvent:
    return OrderEvent(client_order_id=coid, kind=kind, ts_ms=1_000, **extra)  # type: ignore[arg-type]


def test_append_assigns_increasing_sequences_and_round_trips_every_field(tmp_path: Path) -> None:
    store = SqliteOrderEventStore(connect(tmp_path / "tk.db"))
    first = store.append(_event("a", OrderStatus.CREATED, payload='{"x":1}'))
    fill = store.append(
        _event(
            "a",
            OrderStatus.PARTIALLY_FILLED,
            trade_id="t1",
            quantity=Decimal("0.00012345"),
            price=Decimal("43210.50"),
        )
    )
    assert 0 < first.sequence < fill.sequence
    assert store.events_for("a") == (first, fill)
    # Decimals come back exactly, trailing zeros included.
    assert str(store.events_for("a")[1].price) == "43210.50"


def test_append_is_committed_before_it_returns(tmp_path: Path) -> None:
    path = tmp_path / "tk.db"
    writer = SqliteOrderEventStore(connect(path))
    stored = writer.append(_event("a", OrderStatus.CREATED))
    # A second, independent connection (another process would do the same) sees it.
    reader = sqlite3.connect(str(path))
    rows = reader.execute("SELECT sequence, kind FROM order_events").fetchall()
    reader.close()
    assert rows == [(stored.sequence, "created")]


def test_a_fill_with_a_known_trade_id_is_stored_once_and_the_first_is_returned(
    tmp_path: Path,
) -> None:
    store = SqliteOrderEventStore(connect(tmp_path / "tk.db"))
    store.append(_event("a", OrderStatus.CREATED))
    first = store.append(
        _event("a", OrderStatus.FILLED, trade_id="t1", quantity=Decimal(1), price=Decimal(5))
    )
    again = store.append(
        _event("a", OrderStatus.FILLED, trade_id="t1", quantity=Decimal(1), price=Decimal(5))
    )
    assert again == first
    assert len(store.events_for("a")) == 2
    # The same trade id on another order is another trade.
    other = store.append(
        _event("b", OrderStatus.FILLED, trade_id="t1", quantity=Decimal(1), price=Decimal(5))
    )
    assert other.sequence > first.sequence


def test_all_events_since_a_sequence_interleaves_orders_in_sequence_order(tmp_path: Path) -> None:
    store = SqliteOrderEventStore(connect(tmp_path / "tk.db"))
    stored = [
        store.append(_event(coid, kind))
        for coid, kind in [
            ("a", OrderStatus.CREATED),
            ("b", OrderStatus.CREATED),
            ("a", OrderStatus.SUBMITTED),
            ("b", OrderStatus.REJECTED),
        ]
    ]
    assert store.all_events() == tuple(stored)
    assert store.all_events(since_sequence=stored[1].sequence) == tuple(stored[2:])
    assert [e.kind for e in store.events_for("b")] == [OrderStatus.CREATED, OrderStatus.REJECTED]


def test_events_survive_closing_and_reopening_the_database(tmp_path: Path) -> None:
    path = tmp_path / "tk.db"
    connection = connect(path)
    stored = SqliteOrderEventStore(connection).append(_event("a", OrderStatus.CREATED))
    connection.close()
    assert SqliteOrderEventStore(connect(path)).all_events() == (stored,)


def test_an_unreadable_row_names_the_row_and_order(tmp_path: Path) -> None:
    connection = connect(tmp_path / "tk.db")
    connection.execute(
        "INSERT INTO order_events (client_order_id, kind, ts_ms, payload) "
        "VALUES ('zz', 'exploded', 1, '{}')"
    )
    with pytest.raises(DataError, match=r"row 1 \(zz\).*exploded"):
        SqliteOrderEventStore(connection).all_events()


def test_a_transactional_connection_is_refused(tmp_path: Path) -> None:
    connection = sqlite3.connect(str(tmp_path / "tk.db"))
    with pytest.raises(ValueError, match="autocommit"):
        SqliteOrderEventStore(connection)
    connection.close()


def test_control_state_written_by_one_connection_is_read_by_another(tmp_path: Path) -> None:
    path = tmp_path / "tk.db"
    cli = SqliteControlStore(connect(path))
    bot = SqliteControlStore(connect(path))
    assert bot.read("default") is None
    halt = ControlRecord(
        bot_id="default", state=TradingState.HALTED, reason="fomc", updated_ms=5, source="cli"
    )
    cli.write(halt)
    assert bot.read("default") == halt
    resume = ControlRecord(
        bot_id="default", state=TradingState.ACTIVE, reason="", updated_ms=6, source="cli"
    )
    cli.write(resume)
    assert bot.read("default") == resume
    assert bot.read("other") is None


def test_control_store_rejects_an_unknown_stored_state(tmp_path: Path) -> None:
    connection = connect(tmp_path / "tk.db")
    store = SqliteControlStore(connection)
    connection.execute("INSERT INTO trading_control VALUES ('default', 'panicking', '', 1, 'cli')")
    with pytest.raises(DataError, match="panicking"):
        store.read("default")


# -- one conformance suite for every OrderEventStore ------------------------------------------


@pytest.fixture(params=["sqlite", "fake"])
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> object:
    from tests.fakes.order_store import FakeOrderStore

    if request.param == "sqlite":
        return SqliteOrderEventStore(connect(tmp_path / "tk.db"))
    return FakeOrderStore()


def test_conformance_sequences_increase_in_append_order(any_store: SqliteOrderEventStore) -> None:
    sequences = [any_store.append(_event(c, OrderStatus.CREATED)).sequence for c in "abc"]
    assert sequences == sorted(sequences)
    assert len(set(sequences)) == 3
    assert [e.client_order_id for e in any_store.all_events()] == ["a", "b", "c"]


def test_conformance_fill_once_per_order_and_trade_id(any_store: SqliteOrderEventStore) -> None:
    fill = _event("a", OrderStatus.FILLED, trade_id="t", quantity=Decimal(1), price=Decimal(2))
    first = any_store.append(fill)
    assert any_store.append(fill) == first
    assert list(any_store.events_for("a")) == [first]


def test_conformance_since_sequence_excludes_that_sequence(
    any_store: SqliteOrderEventStore,
) -> None:
    first = any_store.append(_event("a", OrderStatus.CREATED))
    second = any_store.append(_event("a", OrderStatus.SUBMITTED))
    assert list(any_store.all_events(since_sequence=first.sequence)) == [second]
    assert list(any_store.all_events(since_sequence=second.sequence)) == []
