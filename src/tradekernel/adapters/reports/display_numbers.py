"""Numbers as the HTML report shows them: rounded for reading, never for computing.

Prices go to the symbol's tick when the blueprint lists the symbol's rules, else to six
significant digits (at least two decimals); quantities to eight decimals (a satoshi),
trailing zeros dropped; fees and PnL, amounts of the quote asset, to cents. `trades.csv`
and `summary.json` keep the exact values.
"""

from collections.abc import Mapping
from decimal import ROUND_HALF_EVEN, Decimal

from tradekernel.adapters.reports.metric_rows import money
from tradekernel.adapters.reports.trades_csv import plain
from tradekernel.domain.trades import ClosedTrade
from tradekernel.shared.utc_time import utc_text

PRICE_SIGNIFICANT_DIGITS = 6
QUANTITY_STEP = Decimal("0.00000001")

TRADE_TABLE_HEADER = (
    "symbol",
    "side",
    "status",
    "entry time",
    "entry price",
    "exit time",
    "exit price",
    "qty",
    "fees",
    "pnl",
    "entry order id",
    "exit order id",
    "exit reason",
)


def price_decimals(value: float) -> int:
    """Return the decimals that show `value` with six significant digits (at least two)."""
    magnitude = abs(value)
    if magnitude == 0 or magnitude != magnitude:  # noqa: PLR0124 - NaN
        return 2
    integer_digits = Decimal(repr(magnitude)).adjusted() + 1
    return max(2, PRICE_SIGNIFICANT_DIGITS - integer_digits)


def price_text(value: Decimal, tick: Decimal | None = None) -> str:
    """Return a price rounded to `tick`, or to six significant digits without one."""
    if tick is not None and tick > 0:
        return plain((value / tick).quantize(Decimal(1), ROUND_HALF_EVEN) * tick)
    step = Decimal(1).scaleb(-price_decimals(float(value)))
    return plain(value.quantize(step, ROUND_HALF_EVEN))


def quantity_text(value: Decimal) -> str:
    """Return a quantity to eight decimals, trailing zeros dropped (`0.01`, not `0.01000000`)."""
    rounded = value.quantize(QUANTITY_STEP, ROUND_HALF_EVEN)
    text = plain(rounded)
    return text.rstrip("0").rstrip(".") if "." in text else text


def trade_table_row(
    trade: ClosedTrade, ticks: Mapping[str, Decimal] | None = None
) -> tuple[str, ...]:
    """Return a trade's cells for the report's table (`TRADE_TABLE_HEADER` order), rounded."""
    tick = (ticks or {}).get(trade.symbol)
    return (
        trade.symbol,
        str(trade.side.value),
        "open" if trade.is_open else "closed",
        utc_text(trade.entry_time_ms),
        price_text(trade.entry_price, tick),
        utc_text(trade.exit_time_ms),
        price_text(trade.exit_price, tick),
        quantity_text(trade.qty),
        money(trade.fees),
        money(trade.pnl),
        trade.entry_order_id,
        trade.exit_order_id,
        "" if trade.is_open else trade.exit_reason.value,
    )
