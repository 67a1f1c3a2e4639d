"""Round trips for reports: a position leaving zero and coming back to it."""

from decimal import Decimal

import attrs

from tradekernel.domain.enums import ExitReason, Side


@attrs.frozen(kw_only=True)
class ClosedTrade:
    """One finished round trip of one symbol.

    `side` is the entry side; prices are volume-weighted averages of the entry and exit
    fills; `qty` is the total entry quantity (equal to the total exit quantity); `fees` are
    entry plus exit fees in the quote asset; `pnl` is net of fees:
    `exit notional - entry notional - fees` for a long, mirrored for a short.
    `exit_reason` is the reason of the fill that closed it (`ExitReason`).

    `entry_order_id` is the client order id of the first entry fill, `exit_order_id` that
    of the last exit fill (what `tradekernel explain` takes). `is_open` marks a position
    still held when the run ended, valued at the last close (see `OpenTrade.marked`): its
    exit is a mark, not an order, so its `exit_order_id` is empty.
    """

    symbol: str
    side: Side
    entry_time_ms: int
    entry_price: Decimal
    exit_time_ms: int
    exit_price: Decimal
    qty: Decimal
    fees: Decimal
    pnl: Decimal
    exit_reason: ExitReason = ExitReason.SIGNAL
    entry_order_id: str = ""
    exit_order_id: str = ""
    is_open: bool = False

    @property
    def is_win(self) -> bool:
        return self.pnl > 0


@attrs.frozen(kw_only=True)
class OpenTrade:
    """A round trip still in progress: entries so far and any partial exits.

    `open_qty` is what is still held; the notionals are sums of `quantity * price` over
    the entry and exit fills.
    """

    symbol: str
    side: Side
    entry_time_ms: int
    entry_qty: Decimal
    entry_notional: Decimal
    exit_qty: Decimal
    exit_notional: Decimal
    fees: Decimal
    last_exit_time_ms: int | None = None
    entry_order_id: str = ""

    @property
    def open_qty(self) -> Decimal:
        return self.entry_qty - self.exit_qty

    @property
    def entry_price(self) -> Decimal:
        return self.entry_notional / self.entry_qty

    def marked(self, price: Decimal, ts_ms: int) -> ClosedTrade:
        """Return the round trip as if the open quantity were closed at `price`, without fees.

        Used to report a run that ends with a position still open: the result is marked
        `is_open`, and its `pnl` is what the position adds to the account's equity at
        `price`, so the trades of a run add up to its equity change.

        Raises:
            ValueError: If `price` is not positive.
        """
        if price <= 0:
            raise ValueError(f"mark price for {self.symbol} must be positive, got {price}")
        exit_notional = self.exit_notional + self.open_qty * price
        gross = exit_notional - self.entry_notional
        if self.side is Side.SELL:
            gross = -gross
        return ClosedTrade(
            symbol=self.symbol,
            side=self.side,
            entry_time_ms=self.entry_time_ms,
            entry_price=self.entry_price,
            exit_time_ms=ts_ms,
            exit_price=exit_notional / self.entry_qty,
            qty=self.entry_qty,
            fees=self.fees,
            pnl=gross - self.fees,
            entry_order_id=self.entry_order_id,
            is_open=True,
        )
