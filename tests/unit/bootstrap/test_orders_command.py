"""`tradekernel orders` against real databases written by the OMS log and the journal."""

import json
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from tests.fakes.clock import FakeClock
from tests.integration.sqlite.journal_fixtures import manifest, order

from tradekernel.adapters.sqlite.database import connect
from tradekernel.adapters.sqlite.journal import SqliteJournal
from tradekernel.adapters.sqlite.order_event_store import SqliteOrderEventStore
from tradekernel.bootstrap.cli import EXIT_STORAGE, EXIT_USAGE, main
from tradekernel.domain.enums import OrderStatus, OrderType, Side
from tradekernel.orchestration.live.telemetry import as_order
from tradekernel.orchestration.oms.order_log import OrderLog
from tradekernel.orchestration.oms.order_payload import OrderSpec

T0 = 1_700_000_000_000  # 2023-11-14T22:13:20Z
_ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$")


def _created(log: OrderLog, coid: str, clock: FakeClock) -> None:
    spec = OrderSpec(
        client_order_id=coid,
        symbol="BTC/USDT",
        side=Side.BUY,
        order_type=OrderType.LIMIT,
        quantity=Decimal("0.002"),
        price=Decimal("42000.5"),
    )
    log.record(coid, OrderStatus.CREATED, payload=spec.to_json())
    clock.advance(1_000)


def _build(db: Path) -> None:
    """A paper run (OMS events and a journal), a backtest run (journal only), and one OMS
    order no run journaled (the run stopped before recording it)."""
    connection = connect(db)
    clock = FakeClock(T0)
    log = OrderLog(store=SqliteOrderEventStore(connection), clock=clock)
    # Created out of id order, so the sort by created time is visible.
    for coid in ("tkP-open", "tkP-ambiguous", "tkP-created", "tkP-filled", "tkP-orphan"):
        _created(log, coid, clock)
    log.record("tkP-open", OrderStatus.ACCEPTED, venue_order_id="V-1")
    log.record(
        "tkP-open",
        OrderStatus.PARTIALLY_FILLED,
        trade_id="T-1",
        quantity=Decimal("0.001"),
        price=Decimal("42000.5"),
    )
    log.record("tkP-ambiguous", OrderStatus.SUBMIT_AMBIGUOUS, reason="timeout")
    log.record("tkP-filled", OrderStatus.ACCEPTED, venue_order_id="V-2")
    log.record(
        "tkP-filled",
        OrderStatus.FILLED,
        trade_id="T-2",
        quantity=Decimal("0.002"),
        price=Decimal("42000.5"),
    )
    log.record("tkP-orphan", OrderStatus.ACCEPTED, venue_order_id="V-3")
    with SqliteJournal(connection) as journal:
        journal.start_run(attrs.evolve(manifest("paper-1"), mode="paper"))
        for coid in ("tkP-open", "tkP-ambiguous", "tkP-created", "tkP-filled"):
            state = log.require(coid)
            # The journal's record is older than the log: the listing must show the log's.
            stale = attrs.evolve(as_order(state), status=OrderStatus.CREATED)
            journal.record_order("paper-1", stale)
        journal.start_run(manifest("bt-1"))
        journal.record_order("bt-1", order("tkB-filled", OrderStatus.FILLED, created_ms=T0 - 5))
        journal.record_order("bt-1", order("tkB-open", OrderStatus.ACCEPTED, created_ms=T0 - 9))
    connection.close()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "runs.db"
    _build(path)
    return path


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, object]]:
    assert main(["orders", *args, "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert isinstance(records, list)
    return records


def _ids(records: list[dict[str, object]]) -> list[object]:
    return [record["client_order_id"] for record in records]


def test_default_lists_the_open_orders_of_every_run_oldest_first(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = _json(capsys, "--db", str(db))
    assert _ids(records) == ["tkB-open", "tkP-open", "tkP-orphan"]
    by_id = {record["client_order_id"]: record for record in records}
    assert by_id["tkP-open"]["status"] == "partially_filled"  # the fold, not the journal
    assert by_id["tkP-open"]["source"] == "oms"
    assert by_id["tkP-open"]["filled_quantity"] == "0.001"
    assert by_id["tkP-open"]["venue_order_id"] == "V-1"
    assert by_id["tkB-open"]["source"] == "journal"
    assert by_id["tkP-orphan"]["run_id"] is None


def test_unresolved_lists_ambiguous_and_never_answered_orders(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = _json(capsys, "--db", str(db), "--status", "unresolved")
    assert [(r["client_order_id"], r["status"]) for r in records] == [
        ("tkP-ambiguous", "submit_ambiguous"),
        ("tkP-created", "created"),
    ]


def test_all_lists_every_order_sorted_by_created_time_then_client_id(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = _json(capsys, "--db", str(db), "--status", "all")
    assert _ids(records) == [
        "tkB-open",
        "tkB-filled",
        "tkP-open",
        "tkP-ambiguous",
        "tkP-created",
        "tkP-filled",
        "tkP-orphan",
    ]


def test_json_fields_have_one_type_each_and_iso_utc_times(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = _json(capsys, "--db", str(db), "--status", "all")
    nullable = {"venue_order_id", "price", "stop_price", "average_fill_price", "run_id"}
    for record in records:
        for key, value in record.items():
            if key in ("created_ms", "updated_ms"):
                assert isinstance(value, int), key
            elif key in nullable:
                assert value is None or isinstance(value, str), key
            else:
                assert isinstance(value, str), key
        assert _ISO.match(str(record["created_at"])), record["created_at"]
        assert _ISO.match(str(record["updated_at"])), record["updated_at"]
    first_paper = next(r for r in records if r["client_order_id"] == "tkP-open")
    assert first_paper["created_at"] == "2023-11-14T22:13:20Z"
    assert first_paper["price"] == "42000.5"


def test_run_filter_keeps_that_runs_orders_only(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = _json(capsys, "--db", str(db), "--run", "bt-1", "--status", "all")
    assert _ids(records) == ["tkB-open", "tkB-filled"]
    assert {r["run_id"] for r in records} == {"bt-1"}
    paper = _json(capsys, "--db", str(db), "--run", "paper-1")
    assert _ids(paper) == ["tkP-open"]  # the unjournaled order belongs to no run


def test_table_shows_a_header_each_order_and_a_count(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["orders", "--db", str(db)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:3] == ["CREATED", "UPDATED", "CLIENT"]
    assert [line.split()[2] for line in lines[1:-1]] == ["tkB-open", "tkP-open", "tkP-orphan"]
    assert lines[-1] == "3 order(s), --status open"


def test_unknown_run_id_exits_2_with_one_error_line(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["orders", "--db", str(db), "--run", "nope"]) == EXIT_USAGE == 2
    err = capsys.readouterr().err
    assert err.splitlines()[0] == "error: unknown run id 'nope' in this database @ --run"
    assert "Traceback" not in err


def test_missing_database_exits_2_and_creates_no_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "absent.db"
    assert main(["orders", "--db", str(missing)]) == EXIT_USAGE
    assert capsys.readouterr().err.startswith(f"error: no database at {missing}")
    assert not missing.exists()


def test_a_file_that_is_not_a_database_exits_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = tmp_path / "notes.db"
    notes.write_text("not sqlite\n" * 200)
    assert main(["orders", "--db", str(notes)]) == EXIT_STORAGE == 3
    assert capsys.readouterr().err.startswith("error: cannot open database: file is not")


def test_output_piped_into_a_reader_that_leaves_early_ends_without_a_traceback(
    tmp_path: Path,
) -> None:
    db = tmp_path / "many.db"
    connection = connect(db)
    with SqliteJournal(connection) as journal:
        journal.start_run(manifest("bt-big"))
        for index in range(2_000):  # far more than a pipe buffer holds
            journal.record_order("bt-big", order(f"tk{index:05d}", OrderStatus.ACCEPTED))
    connection.close()
    with subprocess.Popen(
        [sys.executable, "-m", "tradekernel.bootstrap.cli", "orders", "--db", str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        process.stdout.readline()
        process.stdout.close()  # like `| head -1`
        err = process.stderr.read().decode()
        assert process.wait(timeout=120) == 0
    assert "Traceback" not in err and "BrokenPipe" not in err
