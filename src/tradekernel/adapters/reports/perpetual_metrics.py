"""The figures of a perpetual run: long and short apart, funding, leverage, liquidations.

A spot run has none (`Metrics.perpetual` is None), and its summary and tables keep their
bytes; a perpetual run adds the object `perpetual` to `summary.json` (schema 2, documented
in docs/backtesting.md) and rows to the terminal and HTML tables (`metric_rows`).
"""

from collections.abc import Sequence
from decimal import Decimal

import attrs

from tradekernel.domain.enums import Side
from tradekernel.domain.ports.simulation import PerpetualStats
from tradekernel.domain.trades import ClosedTrade

ZERO = Decimal(0)


@attrs.frozen(kw_only=True)
class PerpetualMetrics:
    """Closed round trips and their net PnL per side, funding, leverage, liquidations.

    A long is a round trip entered with a buy, a short one entered with a sell. Funding is
    paid and received apart (both >= 0; their difference is the net funding in the
    equity). `max_leverage_used` is the largest notional at mark over equity at a bar.
    """

    long_trades: int
    short_trades: int
    long_pnl: Decimal
    short_pnl: Decimal
    funding_paid: Decimal
    funding_received: Decimal
    max_leverage_used: Decimal
    liquidations: int

    @property
    def net_funding(self) -> Decimal:
        return self.funding_received - self.funding_paid


def perpetual_metrics(stats: PerpetualStats, trades: Sequence[ClosedTrade]) -> PerpetualMetrics:
    """Return the perpetual figures of a run from the venue's stats and its closed trades."""
    longs = [trade for trade in trades if trade.side is Side.BUY]
    shorts = [trade for trade in trades if trade.side is Side.SELL]
    return PerpetualMetrics(
        long_trades=len(longs),
        short_trades=len(shorts),
        long_pnl=sum((trade.pnl for trade in longs), ZERO),
        short_pnl=sum((trade.pnl for trade in shorts), ZERO),
        funding_paid=stats.funding_paid,
        funding_received=stats.funding_received,
        max_leverage_used=stats.max_leverage_used,
        liquidations=stats.liquidations,
    )


def perpetual_document(figures: PerpetualMetrics) -> dict[str, float | int]:
    """Return the `perpetual` object of `summary.json`: money and leverage as numbers."""
    return {
        "long_trades": figures.long_trades,
        "short_trades": figures.short_trades,
        "long_pnl": float(figures.long_pnl),
        "short_pnl": float(figures.short_pnl),
        "funding_paid": float(figures.funding_paid),
        "funding_received": float(figures.funding_received),
        "net_funding": float(figures.net_funding),
        "max_leverage_used": float(figures.max_leverage_used),
        "liquidations": figures.liquidations,
    }
