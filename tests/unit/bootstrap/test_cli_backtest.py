"""`tradekernel backtest` and `tradekernel explain`, in-process, in a fresh working directory."""

import json
import re
import shlex
import sqlite3
from pathlib import Path

import pytest

from tradekernel.adapters.data.bundled import bundled_path
from tradekernel.bootstrap.blueprints import bundled_blueprint
from tradekernel.bootstrap.cli import main


@pytest.fixture(scope="module")
def example_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """Run `tradekernel backtest --out out` once (the bundled example) for several tests."""
    directory = tmp_path_factory.mktemp("run")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(directory)
        import contextlib
        import io

        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            assert main(["backtest", "--quiet", "--out", "out"]) == 0
    return directory, out.getvalue()


def test_backtest_without_arguments_runs_the_bundled_example_and_writes_the_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["backtest"]) == 0
    captured = capsys.readouterr()
    assert (tmp_path / "tradekernel.db").is_file()
    out = captured.out
    assert (
        f"data     BTC/USD: 20111 bars from {bundled_path()}, "
        "2017-07-01T11:00:00Z .. 2019-10-17T09:00:00Z, no gaps"
    ) in out
    assert "Backtest summary" in out
    for metric in ("Total return", "Sharpe", "Max drawdown", "Win rate", "Fees", "Final equity"):
        assert re.search(rf"^{metric}\s+\S+$", out, re.MULTILINE), metric
    trades = re.search(r"^Trades\s+(\d+)$", out, re.MULTILINE)
    assert trades is not None and int(trades.group(1)) > 0
    assert "records  tradekernel.db" in out
    # the progress bar goes to stderr, never into the summary
    assert "Backtest summary" not in captured.err


def test_backtest_trade_count_matches_the_round_trips_in_trades_csv(
    example_run: tuple[Path, str],
) -> None:
    directory, out = example_run
    trades = re.search(r"^Trades\s+(\d+)$", out, re.MULTILINE)
    assert trades is not None
    rows = (directory / "out" / "trades.csv").read_text().splitlines()
    assert rows[0].startswith("symbol,side,status,entry_time_ms,entry_time,")
    assert rows[0].endswith(",entry_order_id,exit_order_id,exit_reason")
    assert len(rows) - 1 == int(trades.group(1)) > 0


def test_the_explain_command_a_backtest_prints_works_on_a_real_order_of_that_run(
    example_run: tuple[Path, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    directory, out = example_run
    printed = re.search(r"^explain  (tradekernel explain .+)$", out, re.MULTILINE)
    assert printed is not None
    argv = shlex.split(printed.group(1))[1:]
    order_id = argv[1]
    first_trade = (directory / "out" / "trades.csv").read_text().splitlines()[1].split(",")
    assert order_id == first_trade[-3]  # the entry order of the first trade
    monkeypatch.chdir(directory)
    capsys.readouterr()
    assert main(argv) == 0
    explained = capsys.readouterr().out
    assert explained.startswith(f"order {order_id} in run ")
    assert re.search(r"planned at cycle \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", explained)


def test_a_backtest_on_another_db_prints_explain_with_that_db(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    window = ["--start", "2018-01-01", "--end", "2018-02-01T00:00:00Z", "--quiet"]
    assert main(["backtest", "--db", "other runs.db", *window]) == 0
    out = capsys.readouterr().out
    assert "2018-01-01T00:00:00Z .. 2018-01-31T23:00:00Z" in out
    printed = re.search(r"^explain  (tradekernel explain .+)$", out, re.MULTILINE)
    assert printed is not None
    argv = shlex.split(printed.group(1))[1:]
    assert argv[-2:] == ["--db", "other runs.db"]
    assert main(argv) == 0


def test_a_repeated_run_id_exits_2_unless_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    args = ["backtest", "--quiet", "--run-id", "myrun", "--end", "2017-09-01"]
    assert main(args) == 0
    first = re.search(r"run plan hash (\w+)", capsys.readouterr().out)
    assert main(args) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert "run 'myrun' is already recorded" in line
    assert "--replace" in line
    assert main([*args, "--replace"]) == 0
    again = re.search(r"run plan hash (\w+)", capsys.readouterr().out)
    assert first is not None and again is not None
    assert first.group(1) == again.group(1)


@pytest.mark.parametrize(
    ("flag", "value", "says"),
    [
        ("--start", "2018-13-01", "is not a time"),
        ("--end", "1514764800", "looks like epoch seconds"),
        ("--start", "2030-01-01", "no bar of BTC/USD in 2030-01-01T00:00:00Z"),
    ],
)
def test_a_bad_or_empty_time_window_exits_2_naming_the_value(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    flag: str,
    value: str,
    says: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    try:
        code = main(["backtest", "--quiet", flag, value])
    except SystemExit as exit_:  # argparse refuses a malformed value itself
        code = int(str(exit_.code))
    assert code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert says in err
    assert not (tmp_path / "tradekernel.db").exists()


def test_backtest_out_writes_trades_summary_and_report(example_run: tuple[Path, str]) -> None:
    directory, out = example_run
    files = sorted(p.name for p in (directory / "out").iterdir())
    assert files == ["report.html", "summary.json", "trades.csv"]
    summary = json.loads((directory / "out" / "summary.json").read_text())
    assert isinstance(summary, dict) and summary
    assert (directory / "out" / "report.html").read_text().lstrip().lower().startswith("<!doctype")
    assert "outputs  out/trades.csv, out/summary.json, out/report.html" in out


def _one_error_line(err: str) -> str:
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    errors = [line for line in lines if line.startswith("error: ")]
    assert len(errors) == 1, lines
    assert any(line.startswith("hint: ") for line in lines)
    return errors[0]


def test_backtest_with_a_missing_data_file_exits_2_with_one_error_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    code = main(["backtest", "--config", str(bundled_blueprint()), "--data", "nope.csv"])
    assert code == 2
    line = _one_error_line(capsys.readouterr().err)
    assert line == "error: --data nope.csv: no such file nope.csv @ --data"
    assert not (tmp_path / "tradekernel.db").exists()


def test_backtest_with_an_ambiguous_data_binding_exits_2_naming_the_symbols(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    text = (
        bundled_blueprint()
        .read_text()
        .replace('symbols = ["BTC/USD"]', 'symbols = ["BTC/USD", "ETH/USD"]')
    )
    config = tmp_path / "two.toml"
    config.write_text(text)
    code = main(["backtest", "--config", str(config), "--data", str(bundled_path())])
    assert code == 2
    line = _one_error_line(capsys.readouterr().err)
    assert "the blueprint trades 2 symbols (BTC/USD, ETH/USD); write SYMBOL=PATH" in line


def test_backtest_with_the_same_symbol_twice_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    data = f"BTC/USD={bundled_path()}"
    code = main(["backtest", "--config", str(bundled_blueprint()), "--data", data, "--data", data])
    assert code == 2
    assert _one_error_line(capsys.readouterr().err) == "error: --data gives BTC/USD twice @ --data"


def _filled_order(db: Path) -> tuple[str, str, str]:
    connection = sqlite3.connect(db)
    try:
        row = connection.execute(
            "SELECT client_order_id, side, average_fill_price FROM orders "
            "WHERE status = 'filled' ORDER BY created_ms, client_order_id LIMIT 1"
        ).fetchone()
    finally:
        connection.close()
    assert row is not None
    return str(row[0]), str(row[1]), str(row[2])


def test_explain_prints_the_chain_down_to_the_bar_and_the_fills(
    example_run: tuple[Path, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    directory, _ = example_run
    monkeypatch.chdir(directory)
    order_id, side, price = _filled_order(directory / "tradekernel.db")
    assert main(["explain", order_id]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"order {order_id} in run bt-")
    assert f"{side} 0.01000000 BTC/USD market, status filled" in lines[1]
    kinds = [
        line.split()[0]
        for line in lines[
            lines.index("causality (each line caused by the lines indented below it):")
            + 1 : lines.index("plans:")
        ]
    ]
    assert kinds == ["intent", "directive", "opportunity", "assessment", "bar"]
    bar_line = next(line for line in lines if line.strip().startswith("bar "))
    # the bar is the deepest line: indented below everything that it caused
    assert bar_line.startswith("          bar")
    assert "fills (1):" in lines
    fill = lines[lines.index("fills (1):") + 1]
    assert fill.startswith(f"  {order_id}-1: 0.01000000 @ {price}, fee ")
    assert lines[-1].startswith("plan hash ")


def test_explain_of_an_unknown_order_id_says_so_without_a_traceback(
    example_run: tuple[Path, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    directory, _ = example_run
    monkeypatch.chdir(directory)
    code = main(["explain", "tkNoSuchOrder"])
    err = capsys.readouterr().err
    assert code != 0
    assert "Traceback" not in err
    assert err.strip() == "error: order 'tkNoSuchOrder' is not recorded in any recorded run"


def test_explain_without_a_database_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["explain", "tkAnything"]) == 2
    assert _one_error_line(capsys.readouterr().err) == (
        "error: no database at tradekernel.db @ --db"
    )
