"""The backtest venue: an ExecutionPort whose orders match against bars the runner feeds.

The runner decides on bar i's close, submits, then feeds bars i+1, i+2, ... with `on_bar`
while `has_open_orders(symbol)` is True. Fill prices follow `matching`; the books are the
one spot ledger (`shared/ledger.py`).
"""

from collections.abc import Collection, Mapping, Sequence
from decimal import Decimal

from tradekernel.adapters.backtest.admission import admission_problem, base_of
from tradekernel.adapters.backtest.matching import match
from tradekernel.adapters.backtest.round_trips import RoundTripBook
from tradekernel.adapters.backtest.settings import VenueSettings
from tradekernel.adapters.backtest.working_order import WorkingOrder
from tradekernel.domain.account import Balance, Position
from tradekernel.domain.enums import Liquidity, OrderStatus, Side, TimeInForce
from tradekernel.domain.errors import InsufficientFunds, OrderNotFound, Rejected
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.market import Bar
from tradekernel.domain.orders import Fill, Order
from tradekernel.domain.ports.clock import Clock
from tradekernel.domain.ports.simulation import MarginAccount
from tradekernel.domain.trades import ClosedTrade, OpenTrade
from tradekernel.shared.exact import add, mul
from tradekernel.shared.ledger import SpotLedger

ZERO = Decimal(0)
_BPS = Decimal(10_000)


class BacktestVenue:
    """Bar-driven matching with fees, slippage, a volume cap and spot accounting.

    A buy the cash cannot pay at fill time (notional + fee) ends REJECTED with no fill for
    that bar (fills already made stay booked); `rejection_reason` says why. A sell above
    the free holding (held minus what working sells already reserve) raises at submit.
    Orders in a bar are matched in submission order and share the bar's volume cap.
    IOC and FOK orders live for the first bar they see; FOK fills all or nothing.
    """

    def __init__(self, settings: VenueSettings | None = None, clock: Clock | None = None) -> None:
        self.settings = settings or VenueSettings()
        self._clock = clock  # stamps orders when sent; without one, the symbol's last bar
        self._slippage = self.settings.slippage_bps / _BPS
        # Read on every fill: looked up once (the settings are frozen).
        self._quote = self.settings.quote_asset
        self._participation = self.settings.participation
        self._fee_rates = {
            Liquidity.MAKER: self.settings.maker_fee,
            Liquidity.TAKER: self.settings.taker_fee,
        }
        self._ledger = SpotLedger(self.settings.starting_cash)
        self._trips = RoundTripBook()
        # Every order taken, in submission order: a working order as its mutable record, a
        # finished one as its final snapshot (it no longer changes, and a snapshot is what
        # `fetch_order` returns; a million-bar run keeps tens of thousands of them).
        self._orders: dict[str, WorkingOrder | Order] = {}
        self._working: dict[str, list[WorkingOrder]] = {}
        self._reserved: dict[str, Decimal] = {}
        self._fills: list[Fill] = []
        self._last_ts: dict[str, int] = {}
        self._last_bar: dict[str, Bar] = {}
        self._reasons: dict[str, str] = {}

    # A subclass for another market overrides the five account hooks below it.
    _spot = True

    def submit(self, intent: ExecutionIntent) -> Order:
        """Accept an order built from a non-skipped intent; it matches from the next bar.

        Raises:
            Rejected: For a skipped intent, a duplicate client order id, a non-positive
                quantity, a missing limit or stop price, a quote asset other than the
                venue's, or a reduce-only buy (spot: nothing to reduce).
            InsufficientFunds: For a sell above the free holding (a `Rejected`).
        """
        return self._accept(intent).snapshot()

    def submit_status(self, intent: ExecutionIntent) -> OrderStatus:
        """Accept an order as `submit` does; return its status, building no snapshot.

        Raises:
            Rejected: As `submit` (and its subclass `InsufficientFunds`).
        """
        return self._accept(intent).status

    def _accept(self, intent: ExecutionIntent) -> WorkingOrder:
        cid = intent.client_order_id
        self._check_intent(intent)
        self._reserve(intent)
        clock = self._clock
        created = clock.now_ms() if clock is not None else self._last_ts.get(intent.symbol, 0)
        order = WorkingOrder(
            client_order_id=cid,
            symbol=intent.symbol,
            side=intent.side,
            order_type=intent.order_type,
            quantity=intent.quantity,
            price=intent.price,
            stop_price=intent.stop_price,
            time_in_force=intent.time_in_force,
            reduce_only=intent.reduce_only,
            created_ms=created,
            updated_ms=created,
        )
        self._orders[cid] = order
        self._working.setdefault(intent.symbol, []).append(order)
        return order

    def _reserve(self, intent: ExecutionIntent) -> None:
        if intent.side is not Side.SELL:
            return
        free = self._ledger.held(intent.symbol) - self._reserved.get(intent.symbol, ZERO)
        if intent.quantity > free:
            raise InsufficientFunds(
                f"sell {intent.quantity} {intent.symbol} exceeds the free holding {free}",
                client_order_id=intent.client_order_id,
            )
        self._reserved[intent.symbol] = self._reserved.get(intent.symbol, ZERO) + intent.quantity

    def _check_intent(self, intent: ExecutionIntent) -> None:
        problem = admission_problem(
            intent,
            known=self._orders.keys(),
            quote_asset=self._quote,
            spot=self._spot,
        )
        if problem:
            cid = intent.client_order_id
            raise Rejected(f"order {cid} rejected: {problem}", client_order_id=cid)

    def cancel(self, symbol: str, client_order_id: str) -> Order:
        """Cancel a working order; a finished order is returned unchanged.

        Raises:
            OrderNotFound: If the venue has no such order for `symbol`.
        """
        order = self._find(symbol, client_order_id)
        if isinstance(order, Order):
            return order
        final = self._finish(order, OrderStatus.CANCELLED)
        self._working[symbol] = [o for o in self._working[symbol] if o is not order]
        if not self._working[symbol]:
            del self._working[symbol]
        return final

    def fetch_order(self, symbol: str, client_order_id: str) -> Order:
        """Return an order by client order id.

        Raises:
            OrderNotFound: If the venue has no such order for `symbol`.
        """
        order = self._find(symbol, client_order_id)
        return order if isinstance(order, Order) else order.snapshot()

    def _find(self, symbol: str, client_order_id: str) -> WorkingOrder | Order:
        order = self._orders.get(client_order_id)
        if order is None or order.symbol != symbol:
            raise OrderNotFound(
                f"no order {client_order_id} for {symbol}", client_order_id=client_order_id
            )
        return order

    def open_orders(self, symbol: str | None = None) -> Sequence[Order]:
        """Return the working orders (of one symbol or all), by symbol then submission."""
        if symbol is not None:
            return [order.snapshot() for order in self._working.get(symbol, ())]
        return [order.snapshot() for _, orders in sorted(self._working.items()) for order in orders]

    def has_open_orders(self, symbol: str | None = None) -> bool:
        """Return True if any order of the symbol (or of any symbol) is working."""
        if symbol is None:
            return bool(self._working)
        return symbol in self._working

    def rejection_reason(self, client_order_id: str) -> str | None:
        """Return why the venue rejected an order at fill time, if it did."""
        return self._reasons.get(client_order_id)

    def on_bar(self, bar: Bar) -> Sequence[Fill]:
        """Match the symbol's working orders against a new bar; return the fills.

        O(1) when the symbol has no working orders.

        Raises:
            ValueError: If the bar is not after the previous bar fed for its symbol.
        """
        symbol = bar.symbol
        last = self._last_ts.get(symbol)
        if last is not None and bar.ts_ms <= last:
            raise ValueError(f"bar {symbol}@{bar.ts_ms} is not after the last bar fed, {last}")
        self._last_ts[symbol] = bar.ts_ms
        self._last_bar[symbol] = bar
        working = self._working.get(symbol)
        if not working:
            return ()
        return self._match(symbol, bar, working)

    def match_placed(self, symbol: str, client_order_ids: Collection[str]) -> Sequence[Fill]:
        """Match orders placed after the symbol's last bar was fed against that bar too.

        For the protective exits of an entry that filled on that bar: placed as soon as
        the fill is known, they guard the rest of the bar, matched as on any bar (the
        stop first). The bar's volume cap applies afresh. Nothing without a bar fed.
        """
        bar = self._last_bar.get(symbol)
        working = self._working.get(symbol)
        if bar is None or not working:
            return ()
        placed = [order for order in working if order.client_order_id in client_order_ids]
        return self._match(symbol, bar, placed) if placed else ()

    def _match(self, symbol: str, bar: Bar, orders: list[WorkingOrder]) -> list[Fill]:
        participation = self._participation
        cap = None if participation is None else mul(participation, bar.volume)
        fills: list[Fill] = []
        for order in orders:
            fill = self._match_one(order, bar, cap)
            if fill is not None:
                fills.append(fill)
                if cap is not None:
                    cap -= fill.quantity
        working = self._working[symbol]
        still = [order for order in working if not order.status.is_terminal]
        if still:
            self._working[symbol] = still
        else:
            del self._working[symbol]
        return fills

    def _match_one(self, order: WorkingOrder, bar: Bar, cap: Decimal | None) -> Fill | None:
        order.bars_seen += 1
        tif = order.time_in_force
        one_bar = tif is TimeInForce.IOC or tif is TimeInForce.FOK
        priced = match(order, bar, self._slippage)
        remaining = order.remaining
        qty = remaining if cap is None else min(remaining, max(cap, ZERO))
        if priced is not None and qty > 0:
            qty = self._fillable(order, qty)
            if order.status.is_terminal:  # the account refused it outright
                return None
        if priced is None or qty <= 0 or (tif is TimeInForce.FOK and qty < remaining):
            if one_bar:
                self._finish(order, OrderStatus.EXPIRED, bar.ts_ms)
            return None
        price, liquidity = priced
        notional = mul(qty, price)
        fee = mul(notional, self._fee_rates[liquidity])
        problem = self._payment_problem(order, qty, notional, fee)
        if problem:
            self._reasons[order.client_order_id] = f"{problem} at {bar.ts_ms}"
            self._finish(order, OrderStatus.REJECTED, bar.ts_ms)
            return None
        order.fill_count += 1
        fill = Fill(
            trade_id=f"{order.client_order_id}-{order.fill_count}",
            client_order_id=order.client_order_id,
            symbol=order.symbol,
            side=order.side,
            quantity=qty,
            price=price,
            fee=fee,
            fee_asset=self._quote,
            ts_ms=bar.ts_ms,
            liquidity=liquidity,
        )
        self._book(order, fill)
        self._fills.append(fill)
        order.filled = add(order.filled, qty)
        order.filled_notional = add(order.filled_notional, notional)
        order.updated_ms = bar.ts_ms
        if order.remaining == 0:
            self._finish(order, OrderStatus.FILLED, bar.ts_ms)
        elif one_bar:
            self._finish(order, OrderStatus.EXPIRED, bar.ts_ms)
        else:
            order.status = OrderStatus.PARTIALLY_FILLED
        return fill

    def _finish(self, order: WorkingOrder, status: OrderStatus, ts_ms: int | None = None) -> Order:
        order.status = status
        if ts_ms is not None:
            order.updated_ms = ts_ms
        self._release(order)
        # Its final state: kept as the snapshot, the mutable record is dropped.
        final = self._orders[order.client_order_id] = order.snapshot()
        return final

    def _fillable(self, order: WorkingOrder, qty: Decimal) -> Decimal:
        # Spot sells were checked against the holding at submit.
        return qty

    def _payment_problem(
        self, order: WorkingOrder, qty: Decimal, notional: Decimal, fee: Decimal
    ) -> str:
        if order.side is Side.BUY and add(notional, fee) > self._ledger.cash:
            return f"cash {self._ledger.cash} cannot pay {notional} + fee {fee}"
        return ""

    def _book(self, order: WorkingOrder, fill: Fill) -> None:
        self._ledger.apply(fill)
        if order.side is Side.SELL:
            self._trips.record(fill, order.exit_reason)
            self._reserved[order.symbol] -= fill.quantity
        else:
            # A spot buy never closes a round trip (a holding never goes short), so why an
            # exit happened is not asked: it costs an id parse per fill.
            self._trips.record(fill)

    def _release(self, order: WorkingOrder) -> None:
        if order.side is Side.SELL:
            # Release what the unfilled rest of a sell reserved.
            self._reserved[order.symbol] -= order.remaining

    def cash(self) -> Decimal:
        """Return the free quote balance."""
        return self._ledger.cash

    def balances(self) -> Sequence[Balance]:
        """Return the quote balance, then every held base asset (locked = working sells)."""
        result = [Balance(asset=self._quote, free=self._ledger.cash)]
        for holding in self._ledger.holdings():
            locked = self._reserved.get(holding.symbol, ZERO)
            result.append(
                Balance(
                    asset=base_of(holding.symbol), free=holding.quantity - locked, locked=locked
                )
            )
        return result

    def positions(self) -> Sequence[Position]:
        """Return the open positions, sorted by symbol."""
        return [holding.as_position() for holding in self._ledger.holdings()]

    def cost_basis(self, symbol: str) -> Decimal:
        """Return what the current holding of `symbol` cost, fees excluded."""
        holding = self._ledger.holding(symbol)
        return holding.cost_basis if holding is not None else ZERO

    def own_trades(self, symbol: str | None = None, since_ms: int = 0) -> Sequence[Fill]:
        """Return the fills at or after `since_ms` (of one symbol or all), in fill order."""
        return [
            fill
            for fill in self._fills
            if fill.ts_ms >= since_ms and (symbol is None or fill.symbol == symbol)
        ]

    @property
    def fees_paid(self) -> Decimal:
        return self._ledger.fees_paid

    @property
    def realized_pnl(self) -> Decimal:
        """Return the realised PnL over all symbols, gross of fees."""
        return self._ledger.realized_pnl

    def equity(self, marks: Mapping[str, Decimal]) -> Decimal:
        """Return cash plus every holding at its mark.

        Raises:
            KeyError: If a held symbol has no mark.
        """
        return self._ledger.equity(marks)

    def closed_trades(self) -> tuple[ClosedTrade, ...]:
        """Return the finished round trips in closing order."""
        return self._trips.closed()

    def open_trades(self) -> tuple[OpenTrade, ...]:
        """Return the round trips still open, sorted by symbol (for final marking)."""
        return self._trips.open_trades()

    def margin_account(self) -> MarginAccount | None:
        """Return None: a spot account has no margined positions to drive every bar."""
        return None
