"""The metrics as labelled, formatted rows: one wording for the terminal and the HTML."""

from collections.abc import Mapping
from decimal import Decimal

from tradekernel.adapters.reports.metrics import Metrics
from tradekernel.adapters.reports.perpetual_metrics import PerpetualMetrics

NOT_AVAILABLE = "n/a"
_MS_PER_DAY = 24 * 60 * 60 * 1000


def percent(value: float | None) -> str:
    """Format a fraction as a percentage with two decimals (0.1234 -> `12.34%`)."""
    return NOT_AVAILABLE if value is None else f"{value * 100:.2f}%"


def ratio(value: float | None) -> str:
    """Format a ratio with two decimals."""
    return NOT_AVAILABLE if value is None else f"{value:.2f}"


def money(value: Decimal | None) -> str:
    """Format an amount of the quote asset with two decimals."""
    return NOT_AVAILABLE if value is None else f"{value:.2f}"


def duration(ms: int) -> str:
    """Format a duration in days and hours (`3d 4h`)."""
    hours = ms // (60 * 60 * 1000)
    days, hours = divmod(hours, 24)
    return f"{days}d {hours}h" if days else f"{hours}h"


def exit_counts(counts: Mapping[str, int]) -> str:
    """Format the exits by reason (`signal 3, stop 1, target 2, trailing 0`)."""
    return ", ".join(f"{reason} {count}" for reason, count in counts.items()) or NOT_AVAILABLE


def _trade_count(metrics: Metrics) -> str:
    held = f" (+{metrics.open_trade_count} open)" if metrics.open_trade_count else ""
    return f"{metrics.trade_count}{held}"


def perpetual_rows(figures: PerpetualMetrics) -> list[tuple[str, str]]:
    """Return the rows of a perpetual run: trades and PnL per side, funding, leverage."""
    return [
        ("Long trades", f"{figures.long_trades} (PnL {money(figures.long_pnl)})"),
        ("Short trades", f"{figures.short_trades} (PnL {money(figures.short_pnl)})"),
        ("Funding paid", money(figures.funding_paid)),
        ("Funding received", money(figures.funding_received)),
        ("Max leverage used", f"{ratio(float(figures.max_leverage_used))}x"),
        ("Liquidations", str(figures.liquidations)),
    ]


def metric_rows(metrics: Metrics) -> list[tuple[str, str]]:
    """Return (label, formatted value) rows in display order (a perpetual run's last)."""
    perpetual = [] if metrics.perpetual is None else perpetual_rows(metrics.perpetual)
    return [
        ("Starting cash", money(metrics.starting_cash)),
        ("Total return", percent(metrics.total_return)),
        ("Buy and hold", percent(metrics.buy_and_hold_return)),
        ("CAGR", percent(metrics.cagr)),
        ("Sharpe", ratio(metrics.sharpe)),
        ("Sortino", ratio(metrics.sortino)),
        ("Max drawdown", percent(-metrics.max_drawdown if metrics.max_drawdown else 0.0)),
        ("Max drawdown duration", duration(metrics.max_drawdown_duration_ms)),
        ("Calmar", ratio(metrics.calmar)),
        ("Win rate", percent(metrics.win_rate)),
        ("Profit factor", ratio(metrics.profit_factor)),
        ("Average trade", money(metrics.average_trade)),
        ("Exposure", percent(metrics.exposure)),
        ("Fees", money(metrics.fees)),
        ("Trades", _trade_count(metrics)),
        ("Exits by reason", exit_counts(metrics.exits_by_reason)),
        ("Final equity", money(metrics.final_equity)),
        *perpetual,
    ]
