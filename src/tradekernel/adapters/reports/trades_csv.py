"""`trades.csv`: one row per closed round trip, Decimals as plain (non-exponent) strings."""

import csv
import io
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from tradekernel.domain.trades import ClosedTrade

TRADES_HEADER = (
    "symbol",
    "side",
    "entry_time_ms",
    "entry_price",
    "exit_time_ms",
    "exit_price",
    "qty",
    "fees",
    "pnl",
)


def plain(value: Decimal) -> str:
    """Return a Decimal as a plain string: `1E-8` becomes `0.00000001`."""
    return format(value, "f")


def trade_row(trade: ClosedTrade) -> tuple[str, ...]:
    """Return a trade's cells in `TRADES_HEADER` order."""
    return (
        trade.symbol,
        str(trade.side.value),
        str(trade.entry_time_ms),
        plain(trade.entry_price),
        str(trade.exit_time_ms),
        plain(trade.exit_price),
        plain(trade.qty),
        plain(trade.fees),
        plain(trade.pnl),
    )


def trades_csv_text(trades: Sequence[ClosedTrade]) -> str:
    """Return the CSV text (header first, `\\n` line endings)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(TRADES_HEADER)
    writer.writerows(trade_row(trade) for trade in trades)
    return buffer.getvalue()


def write_trades_csv(path: Path, trades: Sequence[ClosedTrade]) -> None:
    """Write `trades.csv` to `path`.

    Raises:
        OSError: if the file cannot be written.
    """
    path.write_text(trades_csv_text(trades), encoding="utf-8", newline="")
