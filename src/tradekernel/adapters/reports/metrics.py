"""Backtest performance metrics, computed from the equity curve and the closed trades.

Conventions: per-bar simple returns `e[i] / e[i-1] - 1`; a 365-day year (crypto trades
every day); risk-free rate 0. Sharpe uses the sample standard deviation (ddof=1); Sortino
the downside deviation `sqrt(mean(min(r, 0)^2))` over all returns. A ratio that is not
defined (zero variance, no drawdown, no losing trade) is reported as documented per field
and explained in `notes`.
"""

import math
from collections.abc import Mapping, Sequence
from decimal import Decimal

import attrs
import numpy as np

from tradekernel.adapters.reports.equity_curve import EquityCurve
from tradekernel.adapters.reports.perpetual_metrics import PerpetualMetrics
from tradekernel.domain.enums import ExitReason
from tradekernel.domain.trades import ClosedTrade
from tradekernel.shared.bars import FloatArray

MS_PER_YEAR = 365 * 24 * 60 * 60 * 1000


@attrs.frozen(kw_only=True)
class Metrics:
    """The headline numbers of a run. Fractions are floats (0.05 is 5%); money is Decimal.

    `cagr` is None when the curve spans no time (or annualises beyond a float); `calmar`
    when there is no drawdown (or no CAGR); `win_rate` and `average_trade` when there is
    no trade; `profit_factor` when no trade lost. `sharpe` and `sortino` are 0 when their
    denominator is 0. `max_drawdown` is the depth as a positive fraction (reports show it
    negative). The trade statistics count closed trades; `open_trade_count` the positions
    still held at the end. `buy_and_hold_return` is the equal-weight return of holding
    every symbol from its first close to its last (None when not computed).
    `exits_by_reason` counts the closed trades per `ExitReason` (every reason listed, zeros
    included, except `liquidation`, listed only when a trade was liquidated: a spot run
    cannot be, and its summary keeps its bytes). `perpetual` holds a perpetual run's own
    figures (None on spot).
    """

    starting_cash: Decimal
    final_equity: Decimal
    total_return: float
    cagr: float | None
    sharpe: float
    sortino: float
    max_drawdown: float
    max_drawdown_duration_ms: int
    calmar: float | None
    win_rate: float | None
    profit_factor: float | None
    average_trade: Decimal | None
    exposure: float
    fees: Decimal
    trade_count: int
    bars: int
    notes: tuple[str, ...] = ()
    exits_by_reason: Mapping[str, int] = attrs.field(factory=dict)
    buy_and_hold_return: float | None = None
    open_trade_count: int = 0
    perpetual: PerpetualMetrics | None = None


def drawdown_series(equity: FloatArray) -> FloatArray:
    """Return the drawdown at each point as a fraction of the running peak (0 at a peak)."""
    peak = np.maximum.accumulate(equity)
    # In place: a million-bar curve then needs one temporary array, not four.
    with np.errstate(divide="ignore", invalid="ignore"):
        drawdown = np.divide(equity, peak, dtype=np.float64)
    np.subtract(1.0, drawdown, out=drawdown)
    drawdown[~(peak > 0)] = 0.0
    return drawdown


def _max_drawdown(curve: EquityCurve) -> tuple[float, int]:
    drawdown = drawdown_series(curve.equity)
    trough = int(np.argmax(drawdown))
    depth = float(drawdown[trough])
    if depth <= 0.0:
        return 0.0, 0
    level = float(np.max(curve.equity[: trough + 1]))
    # The episode runs from the last time the peak was reached to the first recovery of it.
    start = int(np.flatnonzero(curve.equity[: trough + 1] >= level)[-1])
    recovered = np.flatnonzero(curve.equity[trough:] >= level)
    end = trough + int(recovered[0]) if recovered.size else len(curve) - 1
    return depth, int(curve.ts_ms[end] - curve.ts_ms[start])


def _returns(equity: FloatArray) -> FloatArray:
    previous = equity[:-1]
    # A wiped-out account has no defined return afterwards; count those bars as flat.
    with np.errstate(divide="ignore", invalid="ignore"):
        returns = np.divide(equity[1:], previous, dtype=np.float64)
    returns -= 1.0
    returns[~(previous > 0)] = 0.0
    return returns


def _ratios(returns: FloatArray, bars_per_year: float, notes: list[str]) -> tuple[float, float]:
    if returns.size < 2:
        notes.append("sharpe, sortino: fewer than two returns; reported as 0")
        return 0.0, 0.0
    mean = float(np.mean(returns))
    scale = math.sqrt(bars_per_year)
    std = float(np.std(returns, ddof=1))
    if std == 0.0:
        sharpe = 0.0
        notes.append("sharpe: returns have zero variance; reported as 0")
    else:
        sharpe = mean / std * scale
    losses = np.minimum(returns, 0.0)
    downside = float(np.sqrt(np.mean(np.square(losses, out=losses))))
    if downside == 0.0:
        sortino = 0.0
        notes.append("sortino: no negative return, zero downside deviation; reported as 0")
    else:
        sortino = mean / downside * scale
    return sharpe, sortino


def _trade_stats(
    trades: Sequence[ClosedTrade], notes: list[str]
) -> tuple[float | None, float | None, Decimal | None]:
    if not trades:
        notes.append("win_rate, average_trade, profit_factor: no closed trade")
        return None, None, None
    pnls = [trade.pnl for trade in trades]
    wins = sum(1 for pnl in pnls if pnl > 0)
    gross_profit = sum((pnl for pnl in pnls if pnl > 0), Decimal(0))
    gross_loss = -sum((pnl for pnl in pnls if pnl < 0), Decimal(0))
    if gross_loss == 0:
        profit_factor = None
        notes.append("profit_factor: no losing trade; undefined")
    else:
        profit_factor = float(gross_profit / gross_loss)
    return wins / len(pnls), profit_factor, sum(pnls, Decimal(0)) / len(pnls)


def compute_metrics(
    curve: EquityCurve,
    trades: Sequence[ClosedTrade],
    *,
    starting_cash: Decimal,
    total_fees: Decimal,
    bar_interval_ms: int,
    exposure: float,
    buy_and_hold_return: float | None = None,
    open_trade_count: int = 0,
) -> Metrics:
    """Compute the run's metrics.

    Args:
        curve: equity at each bar, oldest first.
        trades: the closed round trips.
        starting_cash: the equity the run started with (the base of the total return).
        total_fees: every fee paid, in the quote asset.
        bar_interval_ms: the bar length, which sets the annualisation (bars per year).
        exposure: time in market, bars holding a position / total bars (0..1).
        buy_and_hold_return: the return of holding the symbols over the same bars.
        open_trade_count: positions still held when the run ended.

    Raises:
        ValueError: if `starting_cash` or `bar_interval_ms` is not positive, or `exposure`
            is outside 0..1.
    """
    if starting_cash <= 0:
        raise ValueError(f"starting_cash must be positive, got {starting_cash}")
    if bar_interval_ms <= 0:
        raise ValueError(f"bar_interval_ms must be positive, got {bar_interval_ms}")
    if not 0.0 <= exposure <= 1.0:
        raise ValueError(f"exposure must be in 0..1, got {exposure}")
    notes: list[str] = []
    growth = curve.final / starting_cash
    total_return = float(growth - 1)
    elapsed_ms = int(curve.ts_ms[-1] - curve.ts_ms[0])
    cagr: float | None
    if elapsed_ms <= 0:
        cagr = None
        notes.append("cagr: the curve spans no time; undefined")
    elif growth <= 0:
        cagr = -1.0
    else:
        try:
            cagr = float(growth) ** (MS_PER_YEAR / elapsed_ms) - 1.0
        except OverflowError:
            # A large gain over a short span annualises beyond any float.
            cagr = None
            notes.append("cagr: too large to represent for so short a span; undefined")
    sharpe, sortino = _ratios(_returns(curve.equity), MS_PER_YEAR / bar_interval_ms, notes)
    max_drawdown, duration_ms = _max_drawdown(curve)
    calmar: float | None = None
    if max_drawdown == 0.0:
        notes.append("calmar: no drawdown; undefined")
    elif cagr is not None:
        calmar = cagr / max_drawdown
    win_rate, profit_factor, average_trade = _trade_stats(trades, notes)
    return Metrics(
        starting_cash=starting_cash,
        final_equity=curve.final,
        total_return=total_return,
        cagr=cagr,
        sharpe=sharpe,
        sortino=sortino,
        max_drawdown=max_drawdown,
        max_drawdown_duration_ms=duration_ms,
        calmar=calmar,
        win_rate=win_rate,
        profit_factor=profit_factor,
        average_trade=average_trade,
        exposure=exposure,
        fees=total_fees,
        trade_count=len(trades),
        bars=len(curve),
        notes=tuple(notes),
        exits_by_reason=exits_by_reason(trades),
        buy_and_hold_return=buy_and_hold_return,
        open_trade_count=open_trade_count,
    )


def exits_by_reason(trades: Sequence[ClosedTrade]) -> dict[str, int]:
    """Return how many trades ended for each `ExitReason`, in the enum's order.

    `liquidation` is listed only when a trade ended so (see `Metrics`).
    """
    counts = dict.fromkeys(
        (reason.value for reason in ExitReason if reason is not ExitReason.LIQUIDATION), 0
    )
    if any(trade.exit_reason is ExitReason.LIQUIDATION for trade in trades):
        counts[ExitReason.LIQUIDATION.value] = 0
    for trade in trades:
        counts[trade.exit_reason.value] += 1
    return counts
