"""`report.html`: one self-contained page (inline CSS and SVG) viewable offline."""

from collections.abc import Sequence
from html import escape
from pathlib import Path

import numpy as np

from tradekernel.adapters.reports.display_numbers import TRADE_TABLE_HEADER, trade_table_row
from tradekernel.adapters.reports.equity_curve import EquityCurve
from tradekernel.adapters.reports.metric_rows import metric_rows, percent
from tradekernel.adapters.reports.metrics import Metrics, drawdown_series
from tradekernel.adapters.reports.page_parts import html_table as _html_table
from tradekernel.adapters.reports.run_identity import RunIdentity
from tradekernel.adapters.reports.svg_chart import line_chart
from tradekernel.domain.trades import ClosedTrade
from tradekernel.shared.utc_time import utc_text

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; background: #fff; }
h1 { font-size: 1.4em; } h2 { font-size: 1.1em; margin-top: 1.6em; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { padding: 0.2em 0.8em; border-bottom: 1px solid #ddd; text-align: right; }
th:first-child, td:first-child { text-align: left; }
.chart .frame { fill: #fafafa; stroke: #ccc; }
.chart .axis { font-size: 11px; fill: #666; }
polyline.equity { stroke: #1f6feb; stroke-width: 1.2; }
polyline.drawdown { stroke: #d1242f; stroke-width: 1.2; }
.identity td { font-family: monospace; text-align: left; }
"""


def report_html_text(
    identity: RunIdentity,
    metrics: Metrics,
    curve: EquityCurve,
    trades: Sequence[ClosedTrade],
    *,
    notice: str = "",
) -> str:
    """Return the report page: identity, equity and drawdown charts, metrics and trades.

    `notice`, if any, is shown in a banner under the title (why this plain page is shown).
    """
    drawdown = drawdown_series(curve.equity)
    equity_chart = line_chart(
        curve.ts_ms,
        curve.equity,
        title="Equity",
        css_class="equity",
        low_label=f"{float(np.min(curve.equity)):.2f}",
        high_label=f"{float(np.max(curve.equity)):.2f}",
    )
    drawdown_chart = line_chart(
        curve.ts_ms,
        -drawdown,
        title="Drawdown",
        css_class="drawdown",
        low_label=percent(-float(np.max(drawdown))),
        high_label="0%",
    )
    identity_rows = [
        ("run id", identity.run_id),
        ("mode", identity.mode),
        ("strategy", identity.strategy),
        ("symbols", ", ".join(identity.symbols)),
        ("period", f"{utc_text(identity.start_ms)} .. {utc_text(identity.end_ms)}"),
        ("config hash", identity.config_hash),
        ("data fingerprint", identity.data_fingerprint),
        ("plan hash", identity.plan_hash),
    ]
    notes = "".join(f"<li>{escape(note)}</li>" for note in metrics.notes)
    # The mode leads the title: a paper run's page must not read as a backtest's.
    title = f"tradekernel {identity.mode} report: {identity.run_id}"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>"
        f"<h1>{escape(title)}</h1>"
        + (f'<p class="banner" style="background:#fff8c5">{escape(notice)}</p>' if notice else "")
        + f"{_html_table('identity', None, identity_rows)}"
        f"<h2>Equity</h2>{equity_chart}"
        f"<h2>Drawdown</h2>{drawdown_chart}"
        f"<h2>Metrics</h2>{_html_table('metrics', None, metric_rows(metrics))}"
        + (f'<ul class="notes">{notes}</ul>' if notes else "")
        + f"<h2>Trades ({len(trades)})</h2>"
        f"{_html_table('trades', TRADE_TABLE_HEADER, [trade_table_row(t) for t in trades])}"
        "</body></html>\n"
    )


def write_report_html(
    path: Path,
    identity: RunIdentity,
    metrics: Metrics,
    curve: EquityCurve,
    trades: Sequence[ClosedTrade],
) -> None:
    """Write `report.html` to `path`.

    Raises:
        OSError: if the file cannot be written.
    """
    path.write_text(report_html_text(identity, metrics, curve, trades), encoding="utf-8")
