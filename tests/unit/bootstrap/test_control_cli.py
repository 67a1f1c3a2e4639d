"""`tradekernel control`: the command writes the store a running bot reads once per cycle."""

import re
import sqlite3
from pathlib import Path

import pytest
from tests.fakes.clock import FakeClock

from tradekernel.adapters.sqlite.control_store import SqliteControlStore
from tradekernel.adapters.sqlite.database import connect
from tradekernel.bootstrap.cli import main
from tradekernel.domain.enums import TradingState
from tradekernel.orchestration.runtime.bot import BotRuntime
from tradekernel.orchestration.runtime.lifecycle import Lifecycle
from tradekernel.orchestration.runtime.trading_control import TradingStateControl


def test_halt_then_status_prints_the_state_reason_and_source(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "bot.db"
    assert main(["control", "halt", "--reason", "exchange maintenance", "--db", str(db)]) == 0
    out = capsys.readouterr().out.strip()
    assert out.startswith("bot default: halted (set by cli at ")
    assert out.endswith(", reason: exchange maintenance)")
    # the time is for people: ISO 8601 UTC, not epoch ms
    assert re.search(r" at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z, reason", out)
    assert main(["control", "status", "--db", str(db)]) == 0
    assert capsys.readouterr().out.strip() == out


@pytest.mark.parametrize(
    ("action", "state"),
    [
        ("halt", TradingState.HALTED),
        ("reduce", TradingState.REDUCING),
        ("resume", TradingState.ACTIVE),
    ],
)
def test_each_action_stores_its_state_for_the_named_bot_only(
    tmp_path: Path, action: str, state: TradingState, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "bot.db"
    assert main(["control", action, "--db", str(db), "--bot", "btc-1"]) == 0
    assert f"bot btc-1: {state.value} " in capsys.readouterr().out
    connection = connect(db)
    try:
        store = SqliteControlStore(connection)
        record = store.read("btc-1")
        assert record is not None and record.state is state and record.source == "cli"
        assert record.reason == f"{action} from the command line"
        assert store.read("default") is None
    finally:
        connection.close()


def test_status_of_a_bot_never_set_says_active(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "bot.db"
    assert main(["control", "resume", "--db", str(db), "--bot", "other"]) == 0
    capsys.readouterr()
    assert main(["control", "status", "--db", str(db)]) == 0
    assert capsys.readouterr().out.strip() == "bot default: active (never set)"


def test_status_without_a_database_exits_2_and_creates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "none.db"
    assert main(["control", "status", "--db", str(db)]) == 2
    assert "no database" in capsys.readouterr().err
    assert not db.exists()


def test_an_unknown_action_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["control", "pause", "--db", str(tmp_path / "bot.db")])
    assert raised.value.code == 2


def test_a_running_bot_sees_a_cli_halt_within_one_cycle_on_the_same_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "bot.db"
    bot_connection = connect(db)  # the bot's own connection; the CLI opens a second one
    runtime = BotRuntime(config=object())
    control = TradingStateControl(
        runtime=runtime, store=SqliteControlStore(bot_connection), clock=FakeClock()
    )
    seen: list[TradingState] = []

    def step() -> bool:
        seen.append(control.refresh())  # read once per cycle, at its start
        if len(seen) == 2:
            # an operator, in another process, between cycle 2 and cycle 3
            assert main(["control", "halt", "--reason", "risk", "--db", str(db)]) == 0
        if len(seen) == 4:
            assert main(["control", "reduce", "--db", str(db)]) == 0
        return len(seen) < 6

    try:
        Lifecycle(runtime=runtime, step=step, persist=lambda _reason: None).run()
    finally:
        bot_connection.close()
    assert seen == [
        TradingState.ACTIVE,
        TradingState.ACTIVE,
        TradingState.HALTED,
        TradingState.HALTED,
        TradingState.REDUCING,
        TradingState.REDUCING,
    ]
    assert control.reason == "reduce from the command line"
    capsys.readouterr()


def test_an_unreadable_state_written_behind_the_bot_halts_it(tmp_path: Path) -> None:
    db = tmp_path / "bot.db"
    bot_connection = connect(db)
    runtime = BotRuntime(config=object())
    control = TradingStateControl(
        runtime=runtime, store=SqliteControlStore(bot_connection), clock=FakeClock()
    )
    try:
        assert main(["control", "resume", "--db", str(db)]) == 0
        assert control.refresh() is TradingState.ACTIVE
        with sqlite3.connect(db) as other:
            other.execute("UPDATE trading_control SET state = 'paused'")
        assert control.refresh() is TradingState.HALTED
        assert "unknown state 'paused'" in control.reason
    finally:
        bot_connection.close()
