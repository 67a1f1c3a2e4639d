"""The interactive report: self-contained HTML with the expected sections and numbers."""

import importlib.util
import math
import re
import statistics
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from report_fixtures import DAY_MS, HOUR_MS, identity, trade

from tradekernel.adapters.reports import writer
from tradekernel.adapters.reports.equity_curve import EquityCurve
from tradekernel.adapters.reports.interactive_report import buy_and_hold, price_chart
from tradekernel.adapters.reports.metrics import compute_metrics
from tradekernel.shared.bars import BarSeries
from tradekernel.shared.utc_time import utc_text

BARS = 20_000


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.script_sources: list[str] = []
        self.headings: list[str] = []
        self.cells: list[str] = []
        self._heading = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and values.get("src"):
            self.script_sources.append(values["src"] or "")
        if tag in {"link", "img", "iframe"}:
            self.script_sources.append(values.get("href") or values.get("src") or "")
        self._heading = tag == "h2"
        if tag not in {"meta", "br", "img", "link", "input"}:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open[-1] == tag, f"</{tag}> closes {self.open[-1:]}"
        self.open.pop()
        self._heading = False

    def handle_data(self, data: str) -> None:
        if self._heading:
            self.headings.append(data)
        if self.open and self.open[-1] == "td":
            self.cells.append(data)


def _series(count: int) -> BarSeries:
    close = 100.0 + 10.0 * np.sin(np.arange(count) / 200.0)
    return BarSeries(
        symbol="BTC/USDT",
        ts_ms=np.arange(count, dtype=np.int64) * HOUR_MS,
        open=close,
        high=close + 1,
        low=close - 1,
        close=close,
        volume=np.ones(count),
        features={"sma_fast": close * 1.01, "rsi": np.full(count, 50.0)},
    )


@pytest.fixture(scope="module")
def page() -> tuple[str, list[str]]:
    series = _series(BARS)
    curve = EquityCurve.from_arrays(series.ts_ms, 1_000.0 + np.arange(BARS, dtype=np.float64))
    pnls = ["12.5", "-4", "7", "-1.5"]
    trades = [trade(p, entry_ms=(i + 1) * 50 * DAY_MS) for i, p in enumerate(pnls)]
    metrics = compute_metrics(
        curve,
        trades,
        starting_cash=curve.final.__class__(1000),
        total_fees=curve.final.__class__("0.4"),
        bar_interval_ms=HOUR_MS,
        exposure=0.5,
    )
    text = writer.report_text(
        identity(), metrics, curve, trades, bars=[series], strategy="sma_cross"
    )
    return text, pnls


def test_the_page_is_well_formed_and_loads_nothing_from_the_network(
    page: tuple[str, list[str]],
) -> None:
    text, _ = page
    assert text.startswith("<!DOCTYPE html>")
    parser = _Page()
    parser.feed(text)
    parser.close()
    assert parser.open == []
    assert parser.script_sources == []
    assert re.search(r"<script[^>]*\bsrc=", text) is None
    assert "Plotly.newPlot" in text
    assert text.count("plotly.js v") <= 2  # the library is inline once (its banner)


def test_the_page_has_its_sections_header_and_statistics(page: tuple[str, list[str]]) -> None:
    text, pnls = page
    parser = _Page()
    parser.feed(text)
    assert [h.split(" (")[0] for h in parser.headings] == [
        "Charts",
        "Monthly returns",
        "Trade statistics",
        "Metrics",
        "Trades",
    ]
    for expected in ("sma_cross", "BTC/USDT", "1000.00", "cfg-abc"):
        assert expected in parser.cells
    assert f"1970-01-01T00:00:00Z .. {utc_text((BARS - 1) * HOUR_MS)}" in parser.cells
    values = [float(p) for p in pnls]
    sqn = math.sqrt(len(values)) * statistics.mean(values) / statistics.stdev(values)
    for label, value in (
        ("Expectancy (per trade)", f"{statistics.mean(values):.2f}"),
        ("SQN", f"{sqn:.2f}"),
        ("Best trade", "12.50"),
        ("Worst trade", "-4.00"),
        ("Average duration", "1h"),
    ):
        assert f"<td>{label}</td><td>{value}</td>" in text


def test_a_long_run_is_drawn_downsampled_and_says_so(page: tuple[str, list[str]]) -> None:
    text, _ = page
    assert f"BTC/USDT: {BARS} bars drawn as candles of 14 bars each" in text
    figure, step = price_chart(_series(BARS), [trade("1", entry_ms=DAY_MS)])
    candles = figure.data[0]
    assert step == 14
    assert len(candles.open) <= 1_500
    names = [trace.name for trace in figure.data]
    # The price-scale indicator is overlaid, the 0..100 oscillator is not.
    assert names == ["BTC/USDT", "sma_fast", "entry", "exit"]


def test_buy_and_hold_follows_the_close_from_the_start() -> None:
    series = _series(100)
    curve = EquityCurve.from_arrays(series.ts_ms[10:], np.ones(90))
    held = buy_and_hold(curve, [series], 500.0)
    assert held is not None
    assert held[0] == pytest.approx(500.0)
    assert held[-1] == pytest.approx(500.0 * series.close[-1] / series.close[10])


def test_without_plotly_the_plain_page_says_how_to_get_the_charts(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "plotly" else real(name, *a)
    )
    series = _series(50)
    curve = EquityCurve.from_arrays(series.ts_ms, np.full(50, 1000.0))
    metrics = compute_metrics(
        curve,
        [],
        starting_cash=curve.final.__class__(1000),
        total_fees=curve.final.__class__(0),
        bar_interval_ms=HOUR_MS,
        exposure=0.0,
    )
    text = writer.report_text(identity(), metrics, curve, [], bars=[series])
    assert "pip install &#x27;tradekernel[report]&#x27;" in text
    assert "Plotly.newPlot" not in text
