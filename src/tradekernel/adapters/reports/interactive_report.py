"""`report.html` as an interactive, offline page drawn with Plotly (plotly.js inline).

The page holds a header (strategy, symbols, period, starting cash, hashes), one price chart
per symbol (candles merged for long runs, see `candles.py`; entry and exit markers; the
series' indicator columns that share the price scale), equity against buy-and-hold,
drawdown, a monthly returns table, trade statistics, the metrics and the trades. plotly.js
is embedded once, in the first chart: the file opens with no network at all.
"""

from collections.abc import Mapping, Sequence
from decimal import Decimal
from html import escape

import numpy as np
import numpy.typing as npt
import plotly.graph_objects as go
import plotly.io as pio

from tradekernel.adapters.reports.candles import display_candles
from tradekernel.adapters.reports.display_numbers import (
    TRADE_TABLE_HEADER,
    price_decimals,
    trade_table_row,
)
from tradekernel.adapters.reports.downsample import min_max_indices
from tradekernel.adapters.reports.equity_curve import EquityCurve
from tradekernel.adapters.reports.metric_rows import NOT_AVAILABLE, duration, metric_rows, money
from tradekernel.adapters.reports.metrics import Metrics, drawdown_series
from tradekernel.adapters.reports.monthly_returns import monthly_returns
from tradekernel.adapters.reports.page_parts import STYLE, header_rows, html_table
from tradekernel.adapters.reports.run_identity import RunIdentity
from tradekernel.adapters.reports.trade_stats import trade_stats
from tradekernel.domain.enums import Side
from tradekernel.domain.trades import ClosedTrade
from tradekernel.shared.bars import BarSeries, FloatArray, IntArray

TimeArray = npt.NDArray[np.datetime64]

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _times(ts_ms: IntArray) -> TimeArray:
    # datetime64 columns: plotly writes them as ISO times (UTC, as every time here is).
    return np.asarray(ts_ms, dtype=np.int64).astype("datetime64[ms]")


def _layout(figure: go.Figure, title: str, height: int, *, y_hover: str = ",.2f") -> go.Figure:
    figure.update_layout(
        title=title,
        height=height,
        margin={"l": 60, "r": 20, "t": 40, "b": 30},
        hovermode="x unified",
        template="plotly_white",
        xaxis_rangeslider_visible=False,
        xaxis={"type": "date", "title": "time (UTC)"},
        # Hover text is rounded (the data stays exact): cents, or the price's decimals.
        yaxis={"hoverformat": y_hover},
    )
    return figure


def _price_hover(close: FloatArray, tick: Decimal | None) -> str:
    if tick is not None and tick > 0:
        decimals = max(0, -tick.normalize().as_tuple().exponent)  # type: ignore[operator]
    else:
        finite = close[np.isfinite(close)]
        decimals = price_decimals(float(np.median(finite)) if finite.size else 0.0)
    return f",.{decimals}f"


def _on_price_scale(close: FloatArray, values: FloatArray) -> bool:
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return False
    ratio = float(np.median(finite)) / float(np.median(close))
    return 0.5 <= ratio <= 2.0


def price_chart(
    series: BarSeries, trades: Sequence[ClosedTrade], tick: Decimal | None = None
) -> tuple[go.Figure, int]:
    """Return the price chart of one symbol and how many bars each candle merges.

    Each feature column on the price scale (the blueprint's indicator overlays) is drawn
    as a line, sampled like the candles: the value at each candle's first bar.
    """
    candles = display_candles(series)
    figure = go.Figure()
    figure.add_trace(
        go.Candlestick(
            x=_times(candles.ts_ms),
            open=candles.open,
            high=candles.high,
            low=candles.low,
            close=candles.close,
            name=series.symbol,
        )
    )
    for name in sorted(series.features):
        values = np.asarray(series.features[name], dtype=np.float64)
        if values.shape == series.close.shape and _on_price_scale(series.close, values):
            picked = values[:: candles.step]
            figure.add_trace(go.Scatter(x=_times(candles.ts_ms), y=picked, name=name, mode="lines"))
    own = [t for t in trades if t.symbol == series.symbol]
    for label, times, prices, symbol, colour in (
        (
            "entry",
            [t.entry_time_ms for t in own],
            [t.entry_price for t in own],
            "triangle-up",
            "#1a7f37",
        ),
        (
            "exit",
            [t.exit_time_ms for t in own],
            [t.exit_price for t in own],
            "triangle-down",
            "#cf222e",
        ),
    ):
        if times:
            figure.add_trace(
                go.Scatter(
                    x=_times(np.asarray(times, dtype=np.int64)),
                    y=[float(p) for p in prices],
                    mode="markers",
                    name=label,
                    marker={"symbol": symbol, "size": 9, "color": colour},
                )
            )
    hover = _price_hover(series.close, tick)
    return _layout(figure, f"{series.symbol} price", 460, y_hover=hover), candles.step


def buy_and_hold(curve: EquityCurve, bars: Sequence[BarSeries], cash: float) -> FloatArray | None:
    """Return the equity of holding every symbol equally from the curve's start, or None."""
    legs: list[FloatArray] = []
    for series in bars:
        if len(series) == 0 or series.close[0] <= 0:
            return None
        at = np.clip(np.searchsorted(series.ts_ms, curve.ts_ms, side="right") - 1, 0, None)
        first = np.searchsorted(series.ts_ms, curve.ts_ms[0], side="right") - 1
        legs.append(series.close[at] / series.close[max(int(first), 0)])
    return np.mean(legs, axis=0) * cash if legs else None


def equity_chart(curve: EquityCurve, bars: Sequence[BarSeries], cash: float) -> go.Figure:
    """Return the equity chart, with buy-and-hold of the same symbols beside it."""
    keep = min_max_indices(curve.equity)
    figure = go.Figure()
    x = _times(curve.ts_ms[keep])
    figure.add_trace(go.Scatter(x=x, y=np.round(curve.equity[keep], 2), name="strategy"))
    benchmark = buy_and_hold(curve, bars, cash)
    if benchmark is not None:
        figure.add_trace(go.Scatter(x=x, y=np.round(benchmark[keep], 2), name="buy and hold"))
    return _layout(figure, "Equity against buy and hold", 360)


def drawdown_chart(curve: EquityCurve) -> go.Figure:
    """Return the drawdown chart (percent below the running peak)."""
    drawdown = -drawdown_series(curve.equity) * 100.0
    keep = min_max_indices(drawdown)
    figure = go.Figure(
        go.Scatter(
            x=_times(curve.ts_ms[keep]),
            y=np.round(drawdown[keep], 2),
            fill="tozeroy",
            name="drawdown %",
            line={"color": "#cf222e"},
        )
    )
    return _layout(figure, "Drawdown (%)", 260)


def monthly_table(curve: EquityCurve) -> str:
    """Return the monthly returns as an HTML table, years down, months across."""
    rows = [
        [str(year), *(NOT_AVAILABLE if r is None else f"{r * 100:.2f}%" for r in returns)]
        for year, returns in sorted(monthly_returns(curve).items())
    ]
    return html_table("monthly", ["Year", *_MONTHS], rows)


def stats_rows(trades: Sequence[ClosedTrade]) -> list[tuple[str, str]]:
    """Return the trade statistics as labelled, rounded rows."""
    stats = trade_stats(trades)
    mean_duration = stats.average_duration_ms
    return [
        ("Best trade", money(stats.best)),
        ("Worst trade", money(stats.worst)),
        ("Average duration", NOT_AVAILABLE if mean_duration is None else duration(mean_duration)),
        ("Expectancy (per trade)", money(stats.expectancy)),
        ("SQN", NOT_AVAILABLE if stats.sqn is None else f"{stats.sqn:.2f}"),
        (
            "Longs / shorts",
            f"{sum(t.side is Side.BUY for t in trades)} / "
            f"{sum(t.side is Side.SELL for t in trades)}",
        ),
    ]


def interactive_report_text(
    identity: RunIdentity,
    metrics: Metrics,
    curve: EquityCurve,
    trades: Sequence[ClosedTrade],
    *,
    bars: Sequence[BarSeries] = (),
    strategy: str = "",
    ticks: Mapping[str, Decimal] | None = None,
) -> str:
    """Return the interactive report page (self-contained: plotly.js inline).

    `ticks` (symbol -> price tick) round the prices shown; see `display_numbers`.
    """
    cash = float(metrics.starting_cash)
    charts: list[go.Figure] = []
    notes: list[str] = []
    for series in sorted(bars, key=lambda s: s.symbol):
        chart, step = price_chart(series, trades, (ticks or {}).get(series.symbol))
        charts.append(chart)
        if step > 1:
            notes.append(
                f"{series.symbol}: {len(series)} bars drawn as candles of {step} bars each"
            )
    charts.append(equity_chart(curve, bars, cash))
    charts.append(drawdown_chart(curve))
    # plotly.js goes inline once, with the first chart; the others use it.
    divs = [
        str(pio.to_html(chart, include_plotlyjs=index == 0, full_html=False))
        for index, chart in enumerate(charts)
    ]
    title = f"tradekernel {identity.mode} report: {identity.run_id}"
    symbols = [s.symbol for s in bars] or sorted({t.symbol for t in trades})
    header = header_rows(
        identity, curve, strategy=strategy, symbols=symbols, cash=metrics.starting_cash
    )
    note_items = "".join(f"<li>{escape(n)}</li>" for n in (*notes, *metrics.notes))
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
        f"<h1>{escape(title)}</h1>"
        f"{html_table('identity', None, header)}"
        '<h2 id="charts">Charts</h2>'
        + "".join(divs)
        + (f'<ul class="notes">{note_items}</ul>' if note_items else "")
        + f'<h2 id="monthly-returns">Monthly returns</h2>{monthly_table(curve)}'
        + '<h2 id="trade-statistics">Trade statistics</h2>'
        + html_table("stats", None, stats_rows(trades))
        + f'<h2 id="metrics">Metrics</h2>{html_table("metrics", None, metric_rows(metrics))}'
        + f'<h2 id="trades">Trades ({len(trades)})</h2>'
        + html_table("trades", TRADE_TABLE_HEADER, [trade_table_row(t, ticks) for t in trades])
        + "</body></html>\n"
    )
