"""The `--out` report of an SMA-cross backtest draws the blueprint's SMAs over the candles.

The overlay lines are the context workers' own columns (the values the strategy decided
on), sampled like the candles; the trades table shows rounded prices and money while
`trades.csv` keeps the exact values.
"""

import base64
import csv
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from backtest_blueprints import SMA_CROSS, coinbase_bars

from tradekernel.bootstrap.backtest_job import run_backtest
from tradekernel.bootstrap.container import configured
from tradekernel.features.context.moving_average import MovingAverageParams, SmaWorker

pytest.importorskip("plotly")

_NEW_PLOT = re.compile(r'Plotly\.newPlot\(\s*"[^"]+",\s*')
_CELLS = re.compile(r"<td>([^<]*)</td>")


def _figures(page: str) -> list[list[dict[str, Any]]]:
    decoder = json.JSONDecoder()
    return [decoder.raw_decode(page, match.end())[0] for match in _NEW_PLOT.finditer(page)]


def _values(encoded: Any) -> np.ndarray[Any, np.dtype[np.float64]]:
    # plotly writes numpy columns as typed arrays: {"dtype": "f8", "bdata": base64}.
    if isinstance(encoded, dict):
        raw = base64.b64decode(encoded["bdata"])
        return np.frombuffer(raw, dtype=np.dtype(encoded["dtype"])).astype(np.float64)
    return np.asarray([np.nan if v is None else v for v in encoded], dtype=np.float64)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    root = tmp_path_factory.mktemp("overlays")
    container = configured(mode="backtest", db_path=root / "runs.db", blueprint_path=SMA_CROSS)
    try:
        outcome = run_backtest(
            container.recorded_run_parts(),
            [coinbase_bars()],
            out_dir=root / "out",
            progress_stream=None,
        )
    finally:
        container.shutdown_resources()
    assert outcome.outputs is not None
    return outcome.outputs.report_html.read_text(encoding="utf-8"), outcome.outputs.trades_csv


def test_the_price_chart_draws_both_smas_as_the_worker_computes_them(
    report: tuple[str, Path],
) -> None:
    page, _ = report
    price = _figures(page)[0]
    traces = {trace.get("name"): trace for trace in price}
    assert {"sma_fast", "sma_slow"} <= set(traces)
    series = coinbase_bars().series
    candles = traces["BTC/USD"]
    step = -(-len(series) // len(_values(candles["open"])))
    assert step > 1, "the bundled run is long enough to be downsampled"
    for key, period in (("sma_fast", 10), ("sma_slow", 30)):
        column = SmaWorker(MovingAverageParams(key=key, period=period)).compute(series)[key]
        drawn = _values(traces[key]["y"])
        assert drawn.shape == column[::step].shape
        for candle in (3, 100, 777, len(drawn) - 1):
            assert drawn[candle] == column[candle * step], (key, candle)


def test_the_trades_table_rounds_while_trades_csv_stays_exact(report: tuple[str, Path]) -> None:
    page, trades_csv = report
    with trades_csv.open(encoding="utf-8", newline="") as handle:
        first = next(csv.DictReader(handle))
    table = page[page.index('<table class="trades">') :]
    cells = _CELLS.findall(table[: table.index("</tr>", table.index("<tbody>"))])
    # BTC/USD lists tick_size 0.01: prices to cents; fees and PnL to cents; qty 8 decimals.
    assert cells[4] == f"{float(first['entry_price']):.2f}"
    assert cells[6] == f"{float(first['exit_price']):.2f}"
    assert cells[8] == f"{float(first['fees']):.2f}"
    assert cells[9] == f"{float(first['pnl']):.2f}"
    assert len(first["pnl"].split(".")[-1]) > 2, "trades.csv keeps the exact PnL"
    assert first["pnl"] not in table
    layout_hover = re.search(r'"hoverformat":"([^"]+)"', page)
    assert layout_hover is not None and layout_hover.group(1) == ",.2f"
