"""Round trips: a position leaving zero opens one, returning to zero closes it.

Adding to a position accumulates into the entry average; partial exits accumulate into the
exit average of the same round trip. Spot positions never cross zero (sells are capped by
holdings), so a fill never both closes one round trip and opens the next.
"""

from decimal import Decimal

import attrs

from tradekernel.domain.enums import ExitReason, Side
from tradekernel.domain.orders import Fill
from tradekernel.domain.trades import ClosedTrade, OpenTrade
from tradekernel.shared.exact import add, div, mul, sub

ZERO = Decimal(0)


@attrs.define(kw_only=True, slots=True)
class _Trip:
    symbol: str
    side: Side
    entry_time_ms: int
    entry_qty: Decimal = ZERO
    entry_notional: Decimal = ZERO
    exit_qty: Decimal = ZERO
    exit_notional: Decimal = ZERO
    fees: Decimal = ZERO
    last_exit_ms: int | None = None
    entry_order_id: str = ""


class RoundTripBook:
    """Open round trips per symbol and the closed ones in closing order."""

    def __init__(self) -> None:
        self._open: dict[str, _Trip] = {}
        self._closed: list[ClosedTrade] = []

    def record(self, fill: Fill, reason: ExitReason = ExitReason.SIGNAL) -> ClosedTrade | None:
        """Add a fill; return the round trip it closes (ended for `reason`), if any."""
        trip = self._open.get(fill.symbol)
        if trip is None:
            trip = _Trip(
                symbol=fill.symbol,
                side=fill.side,
                entry_time_ms=fill.ts_ms,
                entry_order_id=fill.client_order_id,
            )
            self._open[fill.symbol] = trip
        notional = mul(fill.quantity, fill.price)
        trip.fees = add(trip.fees, fill.fee)
        if fill.side is trip.side:
            trip.entry_qty = add(trip.entry_qty, fill.quantity)
            trip.entry_notional = add(trip.entry_notional, notional)
            return None
        trip.exit_qty = add(trip.exit_qty, fill.quantity)
        trip.exit_notional = add(trip.exit_notional, notional)
        trip.last_exit_ms = fill.ts_ms
        if trip.exit_qty < trip.entry_qty:
            return None
        del self._open[fill.symbol]
        gross = sub(trip.exit_notional, trip.entry_notional)
        if trip.side is Side.SELL:
            gross = -gross
        closed = ClosedTrade(
            symbol=trip.symbol,
            side=trip.side,
            entry_time_ms=trip.entry_time_ms,
            entry_price=div(trip.entry_notional, trip.entry_qty),
            exit_time_ms=fill.ts_ms,
            exit_price=div(trip.exit_notional, trip.exit_qty),
            qty=trip.entry_qty,
            fees=trip.fees,
            pnl=sub(gross, trip.fees),
            exit_reason=reason,
            entry_order_id=trip.entry_order_id,
            exit_order_id=fill.client_order_id,
        )
        self._closed.append(closed)
        return closed

    def closed(self) -> tuple[ClosedTrade, ...]:
        return tuple(self._closed)

    def open_trade(self, symbol: str) -> OpenTrade | None:
        trip = self._open.get(symbol)
        if trip is None:
            return None
        return OpenTrade(
            symbol=trip.symbol,
            side=trip.side,
            entry_time_ms=trip.entry_time_ms,
            entry_qty=trip.entry_qty,
            entry_notional=trip.entry_notional,
            exit_qty=trip.exit_qty,
            exit_notional=trip.exit_notional,
            fees=trip.fees,
            last_exit_time_ms=trip.last_exit_ms,
            entry_order_id=trip.entry_order_id,
        )

    def open_trades(self) -> tuple[OpenTrade, ...]:
        trades = (self.open_trade(symbol) for symbol in sorted(self._open))
        return tuple(trade for trade in trades if trade is not None)
