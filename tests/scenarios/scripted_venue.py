"""A simulated venue with scripted misbehaviour, wrapping the real backtest venue.

Scenario fixtures ask for: `reject_submits` (1-based submit numbers the venue refuses)
and `delay_fill_bars` (bars an order waits before it can match). Partial fills need no
script: the real matching engine caps fills at `participation` of the bar's volume.
"""

from collections.abc import Mapping, Sequence
from decimal import Decimal

from tradekernel.adapters.backtest.venue import BacktestVenue
from tradekernel.domain.account import Balance, Position
from tradekernel.domain.errors import Rejected
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.market import Bar
from tradekernel.domain.orders import Fill, Order
from tradekernel.domain.ports.simulation import MarginAccount
from tradekernel.domain.trades import ClosedTrade, OpenTrade


class ScriptedVenue:
    def __init__(
        self, inner: BacktestVenue, *, reject_submits: Sequence[int] = (), delay_fill_bars: int = 0
    ) -> None:
        self.inner = inner
        self._reject = set(reject_submits)
        self._delay = delay_fill_bars
        self.submit_calls: list[str] = []
        self._waiting: dict[str, int] = {}

    def submit(self, intent: ExecutionIntent) -> Order:
        self.submit_calls.append(intent.client_order_id)
        if len(self.submit_calls) in self._reject:
            raise Rejected(
                f"scripted rejection of submit {len(self.submit_calls)}",
                client_order_id=intent.client_order_id,
            )
        order = self.inner.submit(intent)
        if self._delay:
            self._waiting[order.client_order_id] = self._delay
        return order

    def on_bar(self, bar: Bar) -> Sequence[Fill]:
        held = [cid for cid, left in self._waiting.items() if left > 0]
        for cid in held:
            self._waiting[cid] -= 1
        if held:
            # The venue is slow (the scenarios trade one symbol): the bar passes unmatched.
            return ()
        return self.inner.on_bar(bar)

    def cancel(self, symbol: str, client_order_id: str) -> Order:
        return self.inner.cancel(symbol, client_order_id)

    def fetch_order(self, symbol: str, client_order_id: str) -> Order:
        return self.inner.fetch_order(symbol, client_order_id)

    def open_orders(self, symbol: str | None = None) -> Sequence[Order]:
        return self.inner.open_orders(symbol)

    def balances(self) -> Sequence[Balance]:
        return self.inner.balances()

    def positions(self) -> Sequence[Position]:
        return self.inner.positions()

    def own_trades(self, symbol: str | None = None, since_ms: int = 0) -> Sequence[Fill]:
        return self.inner.own_trades(symbol, since_ms)

    def has_open_orders(self, symbol: str | None = None) -> bool:
        return self.inner.has_open_orders(symbol)

    def cash(self) -> Decimal:
        return self.inner.cash()

    def equity(self, marks: Mapping[str, Decimal]) -> Decimal:
        return self.inner.equity(marks)

    @property
    def fees_paid(self) -> Decimal:
        return self.inner.fees_paid

    def closed_trades(self) -> tuple[ClosedTrade, ...]:
        return self.inner.closed_trades()

    def open_trades(self) -> tuple[OpenTrade, ...]:
        return self.inner.open_trades()

    def margin_account(self) -> MarginAccount | None:
        return self.inner.margin_account()
