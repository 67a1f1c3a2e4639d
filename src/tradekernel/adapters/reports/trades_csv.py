"""`trades.csv`: one row per round trip, Decimals as plain (non-exponent) strings.

Closed trades come first, in closing order, then one `open` row per position still held
at the end, valued at the last close: the `pnl` column sums to the run's equity change.
Times are epoch ms with an ISO 8601 UTC column beside each; the order id columns hold the
client order ids `tradekernel explain` takes; `exit_reason` says what closed a trade
(`signal`, `stop`, `target`, `trailing`; empty for an open row).
"""

import csv
import io
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from tradekernel.domain.trades import ClosedTrade
from tradekernel.shared.utc_time import utc_text

TRADES_HEADER = (
    "symbol",
    "side",
    "status",
    "entry_time_ms",
    "entry_time",
    "entry_price",
    "exit_time_ms",
    "exit_time",
    "exit_price",
    "qty",
    "fees",
    "pnl",
    "entry_order_id",
    "exit_order_id",
    "exit_reason",
)


def plain(value: Decimal) -> str:
    """Return a Decimal as a plain string: `1E-8` becomes `0.00000001`."""
    return format(value, "f")


def trade_row(trade: ClosedTrade) -> tuple[str, ...]:
    """Return a trade's cells in `TRADES_HEADER` order."""
    return (
        trade.symbol,
        str(trade.side.value),
        "open" if trade.is_open else "closed",
        str(trade.entry_time_ms),
        utc_text(trade.entry_time_ms),
        plain(trade.entry_price),
        str(trade.exit_time_ms),
        utc_text(trade.exit_time_ms),
        plain(trade.exit_price),
        plain(trade.qty),
        plain(trade.fees),
        plain(trade.pnl),
        trade.entry_order_id,
        trade.exit_order_id,
        "" if trade.is_open else trade.exit_reason.value,
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
