"""Pieces both report pages share: the style sheet, HTML tables and the header rows."""

from collections.abc import Sequence
from decimal import Decimal
from html import escape

from tradekernel.adapters.reports.equity_curve import EquityCurve
from tradekernel.adapters.reports.metric_rows import money
from tradekernel.adapters.reports.run_identity import RunIdentity
from tradekernel.shared.utc_time import utc_text

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; background: #fff; }
h1 { font-size: 1.4em; } h2 { font-size: 1.1em; margin-top: 1.6em; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { padding: 0.2em 0.8em; border-bottom: 1px solid #ddd; text-align: right; }
th:first-child, td:first-child { text-align: left; }
.identity td { font-family: monospace; text-align: left; }
.banner { background: #fff8c5; border: 1px solid #d4a72c; padding: 0.6em 1em; }
"""


def html_table(css_class: str, header: Sequence[str] | None, rows: Sequence[Sequence[str]]) -> str:
    """Return an HTML table with escaped cells, an optional header row and a CSS class."""
    head = ""
    if header is not None:
        head = "<thead><tr>" + "".join(f"<th>{escape(h)}</th>" for h in header) + "</tr></thead>"
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    return f'<table class="{escape(css_class)}">{head}<tbody>{body}</tbody></table>'


def header_rows(
    identity: RunIdentity,
    curve: EquityCurve,
    *,
    strategy: str,
    symbols: Sequence[str],
    cash: Decimal,
) -> list[tuple[str, str]]:
    """Return the page header: what ran, on what, over when, from how much, and its hashes."""
    period = f"{utc_text(int(curve.ts_ms[0]))} .. {utc_text(int(curve.ts_ms[-1]))}"
    return [
        ("strategy", strategy or "n/a"),
        ("symbols", ", ".join(symbols) or "n/a"),
        ("period", period),
        ("starting cash", money(cash)),
        ("run id", identity.run_id),
        ("mode", identity.mode),
        ("config hash", identity.config_hash),
        ("data fingerprint", identity.data_fingerprint),
        ("plan hash", identity.plan_hash),
    ]
