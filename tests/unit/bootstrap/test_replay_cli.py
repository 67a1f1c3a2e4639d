"""`tradekernel replay`, in-process: identical runs, a changed blueprint, moved or changed data."""

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from tradekernel.adapters.data.bundled import bundled_path
from tradekernel.bootstrap.blueprints import bundled_blueprint
from tradekernel.bootstrap.cli import main
from tradekernel.orchestration.records.canonical import HASH_FORMAT_VERSION
from tradekernel.shared.utc_time import utc_text


@pytest.fixture
def recorded(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path, Path]:
    """A backtest of the bundled example on a COPY of its data, recorded in runs.db."""
    data = tmp_path / "bars.csv"
    shutil.copyfile(bundled_path(), data)
    db = tmp_path / "runs.db"
    code = main(
        [
            "backtest",
            "--quiet",
            "--db",
            str(db),
            "--config",
            str(bundled_blueprint()),
            "--data",
            f"BTC/USD={data}",
        ]
    )
    assert code == 0
    capsys.readouterr()
    return tmp_path, db, data


def _plan_count(db: Path) -> int:
    with sqlite3.connect(db) as connection:
        return int(connection.execute("SELECT COUNT(*) FROM plans").fetchone()[0])


def test_replay_of_a_fresh_backtest_is_identical_and_exits_0(
    recorded: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, db, _ = recorded
    assert main(["replay", "--quiet", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    cycles = _plan_count(db)
    assert cycles > 100
    assert f"identical: {cycles} cycles" in out


def test_replay_with_a_changed_quantity_reports_the_first_cycle_and_path_and_exits_1(
    recorded: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    directory, db, _ = recorded
    changed = directory / "changed.toml"
    text = bundled_blueprint().read_text()
    # The strategy sizes explicitly (its quantity wins over the size planner's): change both.
    assert text.count('quantity = "0.01"') == 2
    changed.write_text(text.replace('quantity = "0.01"', 'quantity = "0.02"'))
    assert main(["replay", "--quiet", "--db", str(db), "--config", str(changed)]) == 1
    out = capsys.readouterr().out
    with sqlite3.connect(db) as connection:
        first = connection.execute("SELECT MIN(cycle_ts_ms) FROM plans").fetchone()[0]
    assert f"differs: cycle 1 of {_plan_count(db)} (at {utc_text(first)}, epoch ms {first})" in out
    assert "  intents[0].quantity: 0.01000000 -> 0.02000000" in out.splitlines()
    assert "  directives[0].size.quantity: 0.01 -> 0.02" in out.splitlines()
    assert "0 cycles before it were identical" in out


def test_replay_of_a_named_run_among_two_picks_that_run(
    recorded: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, db, data = recorded
    assert main(["backtest", "--quiet", "--db", str(db), "--data", f"BTC/USD={data}"]) == 0
    with sqlite3.connect(db) as connection:
        first = connection.execute("SELECT run_id FROM runs ORDER BY seq").fetchone()[0]
    capsys.readouterr()
    assert main(["replay", first, "--quiet", "--db", str(db)]) == 0
    assert f"(run {first})" in capsys.readouterr().out


def test_replay_refuses_a_changed_data_file_naming_symbol_file_and_fix(
    recorded: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, db, data = recorded
    lines = data.read_text().splitlines(keepends=True)
    data.write_text("".join(lines[:-1]))  # drop the last bar
    assert main(["replay", "--quiet", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "data file of BTC/USD for run" in err and "changed" in err
    assert str(data) in err
    assert "--data BTC/USD=PATH" in err


def test_replay_of_a_moved_data_file_is_refused_and_works_with_data_pointing_at_it(
    recorded: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    directory, db, data = recorded
    moved = directory / "moved.csv"
    data.rename(moved)
    assert main(["replay", "--quiet", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "is missing" in err and str(data) in err and "--data BTC/USD=PATH" in err
    assert main(["replay", "--quiet", "--db", str(db), "--data", f"BTC/USD={moved}"]) == 0
    assert "identical: " in capsys.readouterr().out


def test_replay_refuses_data_for_a_symbol_the_run_did_not_trade(
    recorded: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, db, data = recorded
    assert main(["replay", "--quiet", "--db", str(db), "--data", f"ETH/USD={data}"]) == 2
    assert "traded only BTC/USD" in capsys.readouterr().err


def test_replay_of_an_unknown_run_or_a_missing_database_exits_2(
    recorded: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    directory, db, _ = recorded
    assert main(["replay", "nope", "--quiet", "--db", str(db)]) == 2
    assert "unknown run id 'nope'" in capsys.readouterr().err
    assert main(["replay", "--quiet", "--db", str(directory / "none.db")]) == 2
    assert "no database" in capsys.readouterr().err


def test_replay_uses_the_recorded_config_text_not_the_file_on_disk(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "bp.toml"
    config.write_text(bundled_blueprint().read_text())
    db = tmp_path / "runs.db"
    data = f"BTC/USD={bundled_path()}"
    assert (
        main(["backtest", "--quiet", "--db", str(db), "--config", str(config), "--data", data]) == 0
    )
    config.write_text(config.read_text().replace('quantity = "0.01"', 'quantity = "0.05"'))
    capsys.readouterr()
    assert main(["replay", "--quiet", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "config   recorded config of run" in out and "identical: " in out
    with sqlite3.connect(db) as connection:
        sources = json.loads(connection.execute("SELECT data_sources FROM runs").fetchone()[0])
    assert set(sources) == {"BTC/USD"}


def test_replay_applies_the_runs_own_cli_lists_without_repeating_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "lists.db"
    args = ["backtest", "--quiet", "--db", str(db), "--deny", "DOGE/USD", "--allow", "BTC/USD"]
    assert main(args) == 0
    capsys.readouterr()
    assert main(["replay", "--quiet", "--db", str(db)]) == 0
    assert "identical:" in capsys.readouterr().out
    # Replaying another blueprint takes only the lists given now: the recorded deny is gone.
    assert main(["replay", "--quiet", "--db", str(db), "--config", str(bundled_blueprint())]) == 1
    assert "universe.deny" in capsys.readouterr().out


def test_replay_refuses_a_run_recorded_under_another_hash_format_naming_both_versions(
    recorded: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, db, _ = recorded
    with sqlite3.connect(db) as connection:
        recorded_as = connection.execute("SELECT hash_format_version FROM runs").fetchone()[0]
        connection.execute("UPDATE runs SET hash_format_version = '1'")
    assert recorded_as == HASH_FORMAT_VERSION == "2"
    assert main(["replay", "--quiet", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert f"hash-format version 1, this tradekernel writes version {HASH_FORMAT_VERSION}" in err
    assert "re-run the backtest" in err


def test_replay_of_a_windowed_backtest_cuts_the_data_the_same_way(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "runs.db"
    window = ["--start", "2018-01-01", "--end", "2018-04-01T00:00:00Z"]
    assert main(["backtest", "--quiet", "--db", str(db), *window]) == 0
    capsys.readouterr()
    with sqlite3.connect(db) as connection:
        sources = json.loads(connection.execute("SELECT data_sources FROM runs").fetchone()[0])
    assert sources["BTC/USD"]["start_ms"] == 1514764800000
    assert sources["BTC/USD"]["end_ms"] == 1522540800000
    # Replayed on the whole file, the plans of the first cycles would differ.
    assert main(["replay", "--quiet", "--db", str(db)]) == 0
    assert f"identical: {_plan_count(db)} cycles" in capsys.readouterr().out
