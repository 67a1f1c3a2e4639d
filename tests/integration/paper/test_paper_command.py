"""`tradekernel paper` end to end in-process, and a graceful stop in the middle of a replay."""

import json
import shlex
from pathlib import Path

import pytest
from dependency_injector import providers
from tests.fakes.clock import FakeClock
from tests.integration.backtest.backtest_blueprints import SMA_CROSS

from tradekernel.adapters.data.bundled import bundled_path
from tradekernel.adapters.data.loader import load_bars
from tradekernel.bootstrap.cli import main
from tradekernel.bootstrap.container import configured
from tradekernel.bootstrap.paper_job import run_paper
from tradekernel.orchestration.paper.runner import PaperRunner

# 499 real hourly bars (tests/data/README.md): paper rebuilds indicators every cycle, so a
# small file keeps the test quick.
SMALL = Path(__file__).resolve().parents[2] / "data" / "binance_ETH-BTC_1h.csv"


def test_paper_command_replays_and_writes_the_backtest_outputs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    code = main(
        [
            "paper",
            "--config",
            str(SMA_CROSS),
            "--replay",
            str(SMALL),
            "--db",
            str(tmp_path / "p.db"),
            "--out",
            str(out),
            "--quiet",
        ]
    )
    printed = capsys.readouterr().out
    assert code == 0
    assert "paper replay, as fast as possible" in printed
    assert "stopped: end of data" in printed
    # the summary names the mode (issue #17: paper printed "Backtest summary")
    assert "Paper summary" in printed
    assert "Backtest" not in printed
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["run_id"].startswith("paper-")
    assert summary["mode"] == "paper"
    assert (out / "trades.csv").read_text(encoding="utf-8").startswith("symbol")
    assert "tradekernel paper report" in (out / "report.html").read_text(encoding="utf-8")


def test_a_paper_run_on_a_window_ends_with_a_working_explain_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "p.db"
    args = ["paper", "--config", str(SMA_CROSS), "--replay", str(bundled_path())]
    window = ["--start", "2017-07-01", "--end", "2017-08-01", "--db", str(db), "--quiet"]
    assert main([*args, *window]) == 0
    printed = capsys.readouterr().out
    assert "2017-07-01T11:00:00Z .. 2017-07-31T23:00:00Z" in printed
    explain = [line for line in printed.splitlines() if line.startswith("explain  ")]
    assert len(explain) == 1
    argv = shlex.split(explain[0].removeprefix("explain  "))[1:]
    assert argv[-2:] == ["--db", str(db)]
    assert main(argv) == 0
    assert "in run paper-" in capsys.readouterr().out


def test_paper_command_refuses_a_negative_speed_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["paper", "--config", str(SMA_CROSS), "--replay", "x.csv", "--speed", "-2"])
    assert raised.value.code == 2
    assert "--speed -2: must be a finite number >= 0" in capsys.readouterr().err


def test_paper_command_names_a_missing_replay_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["paper", "--config", str(SMA_CROSS), "--replay", str(tmp_path / "none.csv")])
    assert code == 2
    assert "no such file" in capsys.readouterr().err


class _Sleeps:
    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.total = 0

    def sleep_ms(self, duration_ms: int) -> None:
        self.total += duration_ms
        self.clock.advance(duration_ms)


def test_a_stop_request_finishes_the_cycle_in_flight_and_paces_at_speed_n(tmp_path: Path) -> None:
    data = [load_bars(SMALL, "BTC/USD")]
    clock = FakeClock(start_ms=0)
    sleeps = _Sleeps(clock)
    interval = int(data[0].series.ts_ms[1] - data[0].series.ts_ms[0])

    def stop_on_cycle_five(runner: PaperRunner) -> "object":
        def hook(cycles: int) -> None:
            if cycles == 5:
                runner.request_stop("operator")

        runner._on_cycle = hook
        return lambda: None

    container = configured(mode="paper", db_path=tmp_path / "p.db", blueprint_path=SMA_CROSS)
    # The pacing clock and sleeper are swapped through the container, as any adapter is.
    container.wall_clock.override(providers.Object(clock))
    container.sleeper.override(providers.Object(sleeps))
    try:
        outcome = run_paper(
            container.recorded_run_parts(),
            data,
            out_dir=None,
            speed=100,
            progress_stream=None,
            on_runner=stop_on_cycle_five,  # type: ignore[arg-type]
        )
    finally:
        container.shutdown_resources()
    assert outcome.result.cycles == 5
    assert outcome.result.stop_reason == "operator"
    # Four bar intervals after the anchor bar, at a hundred times real time.
    assert sleeps.total == 4 * interval // 100
