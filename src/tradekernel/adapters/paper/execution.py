"""The paper venue: the backtest's matching and ledger on live or replayed bars.

Why it wraps instead of imports: adapter packages must not import each other (the
`adapters-independent` contract), and copying the matching engine would let paper and
backtest drift apart. So `PaperExecution` wraps any `SimulatedVenue` handed to its
constructor; the bootstrap passes a `BacktestVenue`, so paper fills are computed by the
very code the backtest uses. What paper adds on top:

- a clock (`Clock` port) that stamps orders when they are submitted: the wall clock when
  trading on live bars, the replay's market clock when replaying a file;
- idempotent bar feeding: a bar not newer than the last one fed for its symbol is ignored,
  so a restarted bot may feed the bar it stopped on again without matching it twice;
- a journal of every venue event (submit, reject, cancel, fill), for the run's records.
"""

from collections.abc import Collection, Mapping, Sequence
from decimal import Decimal

import attrs

from tradekernel.adapters.paper.journal import VenueEvent, VenueEventKind
from tradekernel.domain.account import Balance, Position
from tradekernel.domain.enums import OrderStatus
from tradekernel.domain.errors import Rejected
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.market import Bar
from tradekernel.domain.orders import Fill, Order
from tradekernel.domain.ports.clock import Clock
from tradekernel.domain.ports.simulation import MarginAccount, SimulatedVenue
from tradekernel.domain.trades import ClosedTrade, OpenTrade


class PaperExecution:
    """An `ExecutionPort` and `SimulatedVenue` over a wrapped simulated venue.

    Orders are reported with `created_ms` set to the clock's time at submit; everything
    else (status, fills, balances, round trips) is the wrapped venue's.
    """

    def __init__(self, venue: SimulatedVenue, clock: Clock) -> None:
        self._venue = venue
        self._clock = clock
        self._submitted_ms: dict[str, int] = {}
        self._last_bar_ms: dict[str, int] = {}
        self._events: list[VenueEvent] = []

    @property
    def events(self) -> tuple[VenueEvent, ...]:
        """Return the venue's journal, oldest first."""
        return tuple(self._events)

    def submit(self, intent: ExecutionIntent) -> Order:
        """Submit to the wrapped venue, stamping the order with the clock's time.

        Raises:
            Rejected: (and its subclasses) from the wrapped venue, journalled first.
        """
        now = self._clock.now_ms()
        try:
            order = self._venue.submit(intent)
        except Rejected as error:
            self._log(now, VenueEventKind.REJECTED, intent.client_order_id, intent.symbol, error)
            raise
        self._submitted_ms[order.client_order_id] = now
        self._log(now, VenueEventKind.SUBMITTED, order.client_order_id, order.symbol)
        return self._stamped(order)

    def submit_status(self, intent: ExecutionIntent) -> OrderStatus:
        """Submit as `submit` does (journalled, stamped); return the order's status."""
        return self.submit(intent).status

    def cancel(self, symbol: str, client_order_id: str) -> Order:
        """Cancel on the wrapped venue and journal it.

        Raises:
            OrderNotFound: from the wrapped venue.
        """
        order = self._venue.cancel(symbol, client_order_id)
        self._log(self._clock.now_ms(), VenueEventKind.CANCELLED, client_order_id, symbol)
        return self._stamped(order)

    def fetch_order(self, symbol: str, client_order_id: str) -> Order:
        """Return an order by client order id.

        Raises:
            OrderNotFound: from the wrapped venue.
        """
        return self._stamped(self._venue.fetch_order(symbol, client_order_id))

    def open_orders(self, symbol: str | None = None) -> Sequence[Order]:
        return [self._stamped(order) for order in self._venue.open_orders(symbol)]

    def balances(self) -> Sequence[Balance]:
        return self._venue.balances()

    def positions(self) -> Sequence[Position]:
        return self._venue.positions()

    def own_trades(self, symbol: str | None = None, since_ms: int = 0) -> Sequence[Fill]:
        return self._venue.own_trades(symbol, since_ms)

    def on_bar(self, bar: Bar) -> Sequence[Fill]:
        """Match the symbol's working orders against a new bar; a bar seen before is ignored."""
        last = self._last_bar_ms.get(bar.symbol)
        if last is not None and bar.ts_ms <= last:
            return ()
        self._last_bar_ms[bar.symbol] = bar.ts_ms
        return self._journalled(self._venue.on_bar(bar))

    def match_placed(self, symbol: str, client_order_ids: Collection[str]) -> Sequence[Fill]:
        """Match orders placed since the symbol's last bar against that bar (`SimulatedVenue`)."""
        return self._journalled(self._venue.match_placed(symbol, client_order_ids))

    def _journalled(self, fills: Sequence[Fill]) -> Sequence[Fill]:
        now = self._clock.now_ms()
        for fill in fills:
            detail = f"{fill.side.value} {fill.quantity} @ {fill.price} fee {fill.fee}"
            self._events.append(
                VenueEvent(
                    ts_ms=now,
                    kind=VenueEventKind.FILLED,
                    client_order_id=fill.client_order_id,
                    symbol=fill.symbol,
                    detail=detail,
                    market_ts_ms=fill.ts_ms,
                )
            )
        return fills

    def last_bar_ms(self, symbol: str) -> int | None:
        """Return the time of the last bar fed for `symbol`, if any."""
        return self._last_bar_ms.get(symbol)

    def has_open_orders(self, symbol: str | None = None) -> bool:
        return self._venue.has_open_orders(symbol)

    def cash(self) -> Decimal:
        return self._venue.cash()

    def equity(self, marks: Mapping[str, Decimal]) -> Decimal:
        return self._venue.equity(marks)

    @property
    def fees_paid(self) -> Decimal:
        return self._venue.fees_paid

    def closed_trades(self) -> tuple[ClosedTrade, ...]:
        return self._venue.closed_trades()

    def open_trades(self) -> tuple[OpenTrade, ...]:
        return self._venue.open_trades()

    def margin_account(self) -> MarginAccount | None:
        return self._venue.margin_account()

    def _stamped(self, order: Order) -> Order:
        submitted = self._submitted_ms.get(order.client_order_id)
        if submitted is None:
            return order
        return attrs.evolve(
            order, created_ms=submitted, updated_ms=max(submitted, order.updated_ms)
        )

    def _log(
        self,
        ts_ms: int,
        kind: VenueEventKind,
        client_order_id: str,
        symbol: str,
        detail: object = "",
    ) -> None:
        self._events.append(
            VenueEvent(
                ts_ms=ts_ms,
                kind=kind,
                client_order_id=client_order_id,
                symbol=symbol,
                detail=str(detail),
            )
        )
