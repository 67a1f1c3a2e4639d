"""`tk.backtest` against `tradekernel backtest`: one kernel, one engine, one run plan hash."""

import contextlib
import csv
import io
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

import tradekernel as tk
from tradekernel.adapters.data.bundled import bundled_path
from tradekernel.bootstrap.blueprints import bundled_blueprint
from tradekernel.bootstrap.cli import main
from tradekernel.domain.errors import ConfigError

_TRADE_FIELDS = ("symbol", "side", "entry_price", "exit_price", "qty", "fees", "pnl")


def _cli(*args: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        assert main(list(args)) == 0
    return out.getvalue()


@pytest.fixture(scope="module")
def cli_run(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[dict[str, object], list[dict[str, str]]]:
    """The bundled example through the CLI: its summary.json and trades.csv."""
    directory = tmp_path_factory.mktemp("cli")
    _cli("backtest", "--quiet", "--db", str(directory / "runs.db"), "--out", str(directory / "out"))
    summary = json.loads((directory / "out" / "summary.json").read_text())
    with (directory / "out" / "trades.csv").open() as handle:
        trades = list(csv.DictReader(handle))
    return summary, trades


@pytest.fixture(scope="module")
def api_run() -> tk.BacktestResult:
    return tk.backtest(bundled_blueprint(), data=bundled_path())


def test_the_api_gives_the_cli_run_plan_hash_run_id_and_trades(
    cli_run: tuple[dict[str, object], list[dict[str, str]]], api_run: tk.BacktestResult
) -> None:
    summary, cli_trades = cli_run
    assert api_run.plan_hash == summary["plan_hash"]
    assert api_run.run_id == summary["run_id"]
    frame = api_run.trades
    assert len(frame) == len(cli_trades) > 0
    for row, (_index, trade) in zip(cli_trades, frame.iterrows(), strict=True):
        for field in _TRADE_FIELDS:
            expected = row[field] if field in ("symbol", "side") else Decimal(row[field])
            assert trade[field] == expected, field
    assert api_run.stats["trade_count"] == len(cli_trades)


def test_defaults_run_the_bundled_example_like_the_bare_cli(api_run: tk.BacktestResult) -> None:
    assert tk.backtest().plan_hash == api_run.plan_hash


def test_a_dataframe_gives_the_same_run_as_the_file_it_was_read_from(
    api_run: tk.BacktestResult,
) -> None:
    frame = tk.load_bars(bundled_path(), symbol="BTC/USD")
    # The default run id hashes the data's fingerprint (a file's bytes, a frame's values):
    # name the run to compare the plans.
    result = tk.backtest(bundled_blueprint(), data=frame, run_id=api_run.run_id)
    assert result.plan_hash == api_run.plan_hash
    assert result.trades.equals(api_run.trades)
    assert result.equity.equals(api_run.equity)
    assert tk.backtest(bundled_blueprint(), data={"BTC/USD": frame}).plan_hash == (
        tk.backtest(bundled_blueprint(), data=frame).plan_hash
    )


def test_a_changed_dataframe_changes_the_run(api_run: tk.BacktestResult) -> None:
    frame = tk.load_bars(bundled_path())
    frame.loc[frame.index[5000:], ["open", "high", "low", "close"]] *= 1.5
    result = tk.backtest(bundled_blueprint(), data=frame, run_id=api_run.run_id)
    assert result.plan_hash != api_run.plan_hash


def test_toml_text_and_a_loaded_blueprint_equal_the_file(api_run: tk.BacktestResult) -> None:
    text = bundled_blueprint().read_text()
    assert tk.backtest(text, data=bundled_path()).plan_hash == api_run.plan_hash
    loaded = tk.load_blueprint(bundled_blueprint())
    assert tk.backtest(loaded, data=bundled_path()).plan_hash == api_run.plan_hash


def test_an_override_equals_the_same_edit_in_the_file(tmp_path: Path) -> None:
    text = bundled_blueprint().read_text()
    assert text.count("period = 10") == 1
    edited = tmp_path / "edited.toml"
    edited.write_text(text.replace("period = 10", "period = 12"))
    by_file = tk.backtest(edited, data=bundled_path())
    by_override = tk.backtest(
        bundled_blueprint(), data=bundled_path(), overrides={"context.workers[0].period": 12}
    )
    assert by_override.plan_hash == by_file.plan_hash
    assert by_override.run_id == by_file.run_id  # the config hash of the overridden table
    assert by_override.plan_hash != tk.backtest(bundled_blueprint(), data=bundled_path()).plan_hash


@pytest.mark.parametrize(
    ("overrides", "path"),
    [
        ({"context.workers[0].period": "ten"}, "context.workers[0].period"),
        ({"context.workers[0].perod": 3}, "context.workers[0]"),
        ({"context.workers[7].period": 3}, "context.workers[7].period"),
        ({"account.starting_cash": "-5"}, "account.starting_cash"),
        ({"context..period": 3}, "context..period"),
    ],
)
def test_a_bad_override_is_refused_with_its_key_path(
    overrides: dict[str, object], path: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        tk.backtest(bundled_blueprint(), data=bundled_path(), overrides=overrides)
    assert f"@ {path}" in str(raised.value)


def test_start_and_end_slice_the_bars_in_any_form() -> None:
    as_iso = tk.backtest(start="2018-01-01", end="2018-07-01T00:00:00Z")
    as_ms = tk.backtest(start=1514764800000, end=1530403200000)
    assert as_iso.plan_hash == as_ms.plan_hash
    times = as_iso.equity.index
    assert str(times[0]) >= "2018-01-01" and str(times[-1]) < "2018-07-01"
    assert as_iso.run_id != tk.backtest().run_id  # other data, another fingerprint
    with pytest.raises(ConfigError, match="not a time"):
        tk.backtest(start="yesterday")
    with pytest.raises(ConfigError, match="no bar"):
        tk.backtest(start="2030-01-01")


def test_results_report_explain_and_print(api_run: tk.BacktestResult, tmp_path: Path) -> None:
    paths = api_run.report(tmp_path / "out")
    summary = json.loads(paths.summary_json.read_text())
    assert summary["plan_hash"] == api_run.plan_hash
    assert paths.report_html.is_file()
    order = api_run.orders["client_order_id"].iloc[0]
    assert f"order {order} in run {api_run.run_id}" in repr(api_run.explain(order))
    assert repr(tk.explain(order, db=api_run.db_path)) == repr(api_run.explain(order))
    assert api_run.plan_hash in repr(api_run)
    assert api_run.plan_hash in api_run._repr_html_()


def test_plan_gives_the_cli_plan(tmp_path: Path) -> None:
    cli = json.loads(
        _cli(
            "plan",
            "--config",
            str(bundled_blueprint()),
            "--data",
            str(bundled_path()),
            "--format",
            "json",
        )
    )
    made = tk.plan(bundled_blueprint(), data=bundled_path())
    assert made.plan_hash == cli["plan_hash"]
    assert f"plan hash {made.plan_hash}" in repr(made)


def test_a_missing_pandas_is_named_with_its_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ConfigError, match=r"pip install 'tradekernel\[pandas\]'"):
        tk.load_bars(bundled_path())


def test_importing_tradekernel_loads_neither_numpy_nor_the_api() -> None:
    probe = (
        "import sys, tradekernel as tk; assert 'backtest' in dir(tk); "
        "print(sorted(m for m in ('numpy', 'pandas', 'tradekernel.bootstrap.api.functions')"
        " if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = tk.nope  # type: ignore[attr-defined]


def test_a_store_name_reads_the_stored_bars_like_the_file(
    api_run: tk.BacktestResult, tmp_path: Path
) -> None:
    from tradekernel.adapters.data.bar_store import ParquetBarStore
    from tradekernel.adapters.data.series_name import SeriesKey

    frame = tk.load_bars(bundled_path(), symbol="BTC/USD")
    ts = [int(t) for t in frame["timestamp_ms"]]
    columns = frame[["open", "high", "low", "close", "volume"]].to_numpy().tolist()
    key = SeriesKey(exchange="coinbase", symbol="BTC/USD", timeframe="1h")
    ParquetBarStore(tmp_path).append(key, ts, columns, (ts[0], ts[-1] + 3_600_000))
    name = "coinbase:BTC/USD:1h"
    stored = tk.load_bars(name, symbol="BTC/USD", store=tmp_path)
    assert stored[["open", "high", "low", "close", "volume"]].equals(
        frame[["open", "high", "low", "close", "volume"]]
    )
    result = tk.backtest(bundled_blueprint(), data=name, store=tmp_path, run_id=api_run.run_id)
    assert result.plan_hash == api_run.plan_hash
    assert result.trades.equals(api_run.trades)
