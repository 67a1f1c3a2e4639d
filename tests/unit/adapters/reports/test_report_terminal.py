"""The end-of-run table and the progress bar on fake streams and a fake clock."""

import io

import attrs
import pytest
from report_fixtures import identity, two_year_metrics

from tradekernel.adapters.reports.terminal import ProgressBar, summary_table


class FakeClock:
    def __init__(self) -> None:
        self.seconds = 100.0

    def __call__(self) -> float:
        return self.seconds


def test_summary_table_lists_the_metrics_aligned_with_percentages() -> None:
    _, metrics = two_year_metrics()
    text = summary_table(metrics, title="Backtest summary")
    assert text == (
        "Backtest summary\n"
        "----------------------\n"
        "Starting cash   100.00\n"
        "Total return    21.00%\n"
        "Buy and hold       n/a\n"
        "CAGR            10.00%\n"
        "Sharpe            0.31\n"
        "Sortino           1.10\n"
        "Max drawdown   -20.00%\n"
        "Calmar            0.50\n"
        "Win rate        50.00%\n"
        "Profit factor     1.86\n"
        "Exposure        50.00%\n"
        "Fees              1.25\n"
        "Trades               4\n"
        "Final equity    121.00\n"
        "----------------------\n"
    )
    widths = {len(line) for line in text.splitlines()[1:]}
    assert widths == {22}


def test_summary_table_names_strategy_symbols_period_and_buy_and_hold() -> None:
    _, metrics = two_year_metrics()
    metrics = attrs.evolve(metrics, buy_and_hold_return=0.5, open_trade_count=1)
    run = attrs.evolve(
        identity(),
        strategy="sma_cross",
        symbols=("BTC/USD", "ETH/USD"),
        start_ms=1_499_212_800_000,
        end_ms=1_571_302_800_000,
    )
    lines = summary_table(metrics, title="Paper summary", identity=run).splitlines()
    assert lines[0] == "Paper summary"
    rows = {line.split("  ")[0]: line.split()[-1] for line in lines[2:-1]}
    assert rows["Strategy"] == "sma_cross"
    assert lines[3].endswith("BTC/USD, ETH/USD")
    assert rows["From"] == "2017-07-05T00:00:00Z"
    assert rows["To"] == "2019-10-17T09:00:00Z"
    assert rows["Buy and hold"] == "50.00%"
    assert lines[-3].endswith("4 (+1 open)")


def _run(bar: ProgressBar, clock: FakeClock, total: int, step_s: float) -> None:
    for done in range(1, total + 1):
        clock.seconds += step_s
        bar.update(done)
    bar.close()


def test_progress_is_silent_for_runs_shorter_than_a_second() -> None:
    for tty in (True, False):
        stream, clock = io.StringIO(), FakeClock()
        bar = ProgressBar(1_000, stream=stream, now=clock, is_tty=tty)
        _run(bar, clock, 1_000, 0.0009)  # 0.9 s in all
        assert stream.getvalue() == ""


def test_non_tty_progress_writes_one_line_per_ten_percent() -> None:
    stream, clock = io.StringIO(), FakeClock()
    bar = ProgressBar(1_000, stream=stream, now=clock, is_tty=False)
    _run(bar, clock, 1_000, 0.05)  # 20 bars/s, 50 s
    lines = stream.getvalue().splitlines()
    assert [line.split()[1] for line in lines] == [f"{p}%" for p in range(10, 101, 10)]
    assert lines[4] == "bars: 50% (500/1000, 20 bars/s, ETA 0:25)"
    assert lines[-1] == "bars: 100% (1000/1000, 20 bars/s, ETA 0:00)"


def test_non_tty_progress_that_starts_late_prints_the_final_line_once() -> None:
    stream, clock = io.StringIO(), FakeClock()
    bar = ProgressBar(10, stream=stream, now=clock, is_tty=False)
    bar.update(3)  # at once: silent
    clock.seconds += 5.0
    bar.close()
    assert stream.getvalue() == "bars: 30% (3/10, 1 bars/s, ETA 0:12)\n"


def test_tty_progress_redraws_in_place_at_most_ten_times_a_second() -> None:
    stream, clock = io.StringIO(), FakeClock()
    bar = ProgressBar(1_000, stream=stream, now=clock, is_tty=True, label="backtest")
    _run(bar, clock, 1_000, 0.01)  # 10 s: 100 bars/s
    output = stream.getvalue()
    frames = output.split("\r")[1:]
    # Drawing starts after 1 s; then one frame per 0.1 s, plus the final frame.
    assert 85 <= len(frames) <= 92
    assert output.endswith("\n")
    assert frames[-1] == "backtest [" + "#" * 30 + "] 100.0% 1000/1000 100 bars/s ETA 0:00\n"
    middle = next(frame for frame in frames if " 50.0% " in frame)
    assert middle == "backtest [" + "#" * 15 + "-" * 15 + "]  50.0% 500/1000 100 bars/s ETA 0:05"


def test_progress_uses_the_stream_tty_flag_by_default() -> None:
    class TtyStream(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream, clock = TtyStream(), FakeClock()
    bar = ProgressBar(4, stream=stream, now=clock)
    clock.seconds += 2.0
    bar.update(2)
    assert stream.getvalue().startswith("\rbars [")


def test_negative_total_is_refused() -> None:
    with pytest.raises(ValueError, match="total"):
        ProgressBar(-1, stream=io.StringIO(), now=FakeClock())
