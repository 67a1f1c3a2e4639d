"""Builders shared by the report tests."""

from decimal import Decimal

import numpy as np

from tradekernel.adapters.reports.equity_curve import EquityCurve
from tradekernel.adapters.reports.metrics import Metrics, compute_metrics
from tradekernel.adapters.reports.run_identity import RunIdentity
from tradekernel.domain.enums import Side
from tradekernel.domain.trades import ClosedTrade

DAY_MS = 24 * 60 * 60 * 1000
HOUR_MS = 60 * 60 * 1000


def trade(pnl: str, symbol: str = "BTC/USDT", entry_ms: int = 0) -> ClosedTrade:
    return ClosedTrade(
        symbol=symbol,
        side=Side.BUY,
        entry_time_ms=entry_ms,
        entry_price=Decimal("100.50"),
        exit_time_ms=entry_ms + HOUR_MS,
        exit_price=Decimal("101.25"),
        qty=Decimal("0.5"),
        fees=Decimal("0.1"),
        pnl=Decimal(pnl),
    )


def curve(values: list[float], step_ms: int) -> EquityCurve:
    ts = np.arange(len(values), dtype=np.int64) * step_ms
    return EquityCurve.from_arrays(ts, np.asarray(values, dtype=np.float64))


def identity(run_id: str = "run-1") -> RunIdentity:
    return RunIdentity(
        run_id=run_id, config_hash="cfg-abc", data_fingerprint="data-123", plan_hash="plan-xyz"
    )


def two_year_metrics() -> tuple[EquityCurve, Metrics]:
    """100 -> 80 -> 121 over two yearly bars: CAGR 10%, max drawdown 20%."""
    equity = curve([100.0, 80.0, 121.0], 365 * DAY_MS)
    metrics = compute_metrics(
        equity,
        [trade("10"), trade("-5"), trade("3"), trade("-2")],
        starting_cash=Decimal(100),
        total_fees=Decimal("1.25"),
        bar_interval_ms=365 * DAY_MS,
        exposure=0.5,
    )
    return equity, metrics
