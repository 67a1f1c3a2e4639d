"""`CcxtExecution`: the `ExecutionPort` on a real exchange through `ccxt.async_support`."""

import asyncio
import functools
import os
from collections.abc import Coroutine, Iterable, Mapping, Sequence
from types import TracebackType
from typing import Any, TypeVar

import attrs
import numpy as np

from tradekernel.adapters.ccxt.cancel_replace import replace_and_read
from tradekernel.adapters.ccxt.client import build_exchange_in_loop
from tradekernel.adapters.ccxt.config import (
    CcxtSettings,
    Credentials,
    MarketType,
    credentials_from_env,
    has_credentials,
)
from tradekernel.adapters.ccxt.mapping import balances_from_ccxt, order_from_ccxt
from tradekernel.adapters.ccxt.markets import symbol_rules_from_market
from tradekernel.adapters.ccxt.order_lists import OrderLists
from tradekernel.adapters.ccxt.own_trades import ClientIds, fetch_own_trades
from tradekernel.adapters.ccxt.perpetual_account import CcxtPerpetualAccount, wallet_balances
from tradekernel.adapters.ccxt.retry import RetryRunner, Sleep, UnconfirmedRequest
from tradekernel.adapters.ccxt.submission import look_up_unconfirmed, place_order
from tradekernel.domain.account import Balance, Position
from tradekernel.domain.enums import OrderType
from tradekernel.domain.errors import OrderNotFound, Rejected
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.market import SymbolRules
from tradekernel.domain.orders import Fill, Order
from tradekernel.domain.ports.clock import Clock
from tradekernel.domain.ports.execution import BooksOrderLists, ExecutionPort, ReplacesOrders
from tradekernel.domain.ports.venue_incidents import IncidentKind, VenueIncident
from tradekernel.shared.ids import oco_list_id, protected_entry_id

T = TypeVar("T")


class CcxtExecution:
    """Submit, cancel and read orders on an exchange, with the typed error taxonomy.

    ccxt's async client runs on a PRIVATE event loop owned by this object: the sync
    `ExecutionPort` methods run their `*_async` twin to completion on it, so call them from
    one thread, never from inside another running loop (use the `*_async` methods there,
    on the loop `run` uses). Close with `close()` or a `with` block.

    Submits are never retried blindly: a timeout, a 5xx or a dropped connection starts a
    lookup by client order id for `retry.lookup_window_s` (by the injected clock); the
    order found is returned, else `AmbiguousSubmit` is raised (see `submission.py`).
    """

    def __init__(
        self,
        settings: CcxtSettings,
        *,
        clock: Clock,
        rng: np.random.Generator,
        environ: Mapping[str, str] | None = None,
        sleep: Sleep | None = None,
        require_credentials: bool = True,
    ) -> None:
        """Read the credentials and build the ccxt client (no network traffic yet).

        With `require_credentials=False` unset keys leave the client keyless: public
        reads (markets, rules) work, a private call is refused by the venue.

        Raises:
            ConfigError: the credential variables are unset (and required) or the
                exchange is unknown.
        """
        self._settings = settings
        self._clock = clock
        source = os.environ if environ is None else environ
        credentials = (
            credentials_from_env(settings, source)
            if require_credentials or has_credentials(settings, source)
            else Credentials(api_key="", secret="")
        )
        self._redact = credentials.redact
        self._sleep = sleep if sleep is not None else asyncio.sleep
        self._loop = asyncio.new_event_loop()
        self._exchange: Any = self._loop.run_until_complete(
            build_exchange_in_loop(settings, credentials)
        )
        self._retry = RetryRunner(
            policy=settings.retry,
            rng=rng,
            sleep=self._sleep,
            resync_clock=self._exchange.load_time_difference,
            last_headers=lambda: self._exchange.last_response_headers,
            redact=self._redact,
            now_ms=clock.now_ms,
        )
        self._markets_loaded = False
        self._client_ids = ClientIds()
        self._lists = OrderLists(
            self._exchange,
            self._retry,
            self._client_ids,
            books_lists=self.books_order_lists,
        )

    # -- lifecycle ------------------------------------------------------------------------

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run one of the `*_async` methods to completion on the private loop."""
        return self._loop.run_until_complete(coroutine)

    def close(self) -> None:
        """Close the HTTP session and the private event loop (idempotent)."""
        if self._loop.is_closed():
            return
        self._loop.run_until_complete(self._exchange.close())
        self._loop.close()

    def __enter__(self) -> "CcxtExecution":
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def remember_orders(self, pairs: Iterable[tuple[str, str]]) -> int:
        """Preload `(venue order id, client order id)` pairs from the order store (no request).

        Trades name only the venue id: a restarted adapter names a forgotten order's trade by
        these pairs, as the venue no longer answers a fetch of it. Return how many were new.

        Raises:
            ValueError: a pair has an empty id.
        """
        return self._client_ids.preload(pairs)

    @property
    def halted_reason(self) -> str | None:
        """Why the adapter stopped all traffic (a ban, refused keys), or None."""
        return self._retry.halted_reason

    def take_incidents(self) -> tuple[VenueIncident, ...]:
        """Return the retries and lost acknowledgements since the last call, oldest first."""
        taken = tuple(self._retry.incidents)
        self._retry.incidents.clear()
        return taken

    # -- ExecutionPort (sync) -------------------------------------------------------------

    def submit(self, intent: ExecutionIntent) -> Order:
        return self.run(self.submit_async(intent))

    def cancel(self, symbol: str, client_order_id: str) -> Order:
        return self.run(self.cancel_async(symbol, client_order_id))

    def fetch_order(self, symbol: str, client_order_id: str) -> Order:
        return self.run(self.fetch_order_async(symbol, client_order_id))

    @property
    def books_order_lists(self) -> bool:
        """Return whether the venue books OCO order lists (Binance spot only, for now):
        elsewhere the runner keeps the protective levels as triggers."""
        spot = self._settings.market_type is MarketType.SPOT
        return spot and self._settings.exchange_id == "binance"

    @property
    def can_replace(self) -> bool:
        """Return whether the exchange class offers cancel-replace (`has['editOrder']`) on
        a spot market (a swap's `edit_order` amends in place: not used)."""
        spot = self._settings.market_type is MarketType.SPOT
        return spot and bool(self._exchange.has.get("editOrder"))

    def replace(
        self, symbol: str, replaced_id: str, intent: ExecutionIntent
    ) -> tuple[Order, Order]:
        return self.run(self.replace_async(symbol, replaced_id, intent))

    def open_orders(self, symbol: str | None = None) -> Sequence[Order]:
        return self.run(self.open_orders_async(symbol))

    def balances(self) -> Sequence[Balance]:
        return self.run(self.balances_async())

    def positions(self) -> Sequence[Position]:
        """Return the venue's open positions on a swap account (signed quantities); none
        on spot: a spot account holds balances, and ccxt reports no cost basis for them,
        so the ledger owns spot positions."""
        if self._settings.market_type is MarketType.SWAP:
            return self.perpetual_account().venue_positions()
        return ()

    def perpetual_account(self) -> CcxtPerpetualAccount:
        """Return the perpetual account calls (leverage, margin and position mode,
        positions, funding) on this client."""
        return CcxtPerpetualAccount(
            self._exchange,
            self._retry,
            run=self.run,
            ensure_markets=self._ensure_markets,
            symbols=self._settings.symbols,
        )

    def own_trades(self, symbol: str | None = None, since_ms: int = 0) -> Sequence[Fill]:
        return self.run(self.own_trades_async(symbol, since_ms))

    def symbol_rules(self) -> dict[str, SymbolRules]:
        return self.run(self.symbol_rules_async())

    # -- async variants -------------------------------------------------------------------

    async def symbol_rules_async(self) -> dict[str, SymbolRules]:
        """Return the rules of every loaded market of the configured type, by symbol.

        Raises:
            Transient, Fatal: the markets could not be loaded.
        """
        await self._ensure_markets()
        mode = self._exchange.precisionMode
        wanted = self._settings.market_type.value
        return {
            symbol: symbol_rules_from_market(market, mode)
            for symbol, market in sorted(self._exchange.markets.items())
            if market.get("type") == wanted
        }

    async def submit_async(self, intent: ExecutionIntent) -> Order:
        """Send the order with our client order id; see the class docstring for faults.

        Raises:
            ValueError: the intent is skipped.
            Rejected, InsufficientFunds: the venue refused the order.
            AmbiguousSubmit: the venue may hold the order but did not show it in time.
            Transient: rate limited past the attempts (the order was not placed).
            Fatal: banned or keys refused; all traffic is halted.
        """
        if intent.skipped:
            raise ValueError(f"intent {intent.client_order_id} is skipped: {intent.skip_reason}")
        coid = intent.client_order_id
        self._retry.ensure_not_halted("submit", coid)
        await self._ensure_markets()
        try:
            if intent.order_type is OrderType.OCO:
                return await self._lists.place(intent)
            raw = await place_order(self._exchange, self._retry, intent, self._settings.market_type)
        except UnconfirmedRequest as unconfirmed:
            return await self._look_up(intent, unconfirmed)
        return self._client_ids.remember(order_from_ccxt(raw, client_order_id=coid))

    async def replace_async(
        self, symbol: str, replaced_id: str, intent: ExecutionIntent
    ) -> tuple[Order, Order]:
        """Cancel `replaced_id` and place the intent's order in one `edit_order` request;
        return the replaced order's final state and the new order (`cancel_replace.py`).

        Raises:
            ValueError: the intent is skipped.
            Rejected: the venue refused the cancel or the new order; nothing was placed.
            AmbiguousSubmit, Transient, Fatal: as for `submit_async`.
        """
        if intent.skipped:
            raise ValueError(f"intent {intent.client_order_id} is skipped: {intent.skip_reason}")
        coid = intent.client_order_id
        self._retry.ensure_not_halted("replace", coid)
        await self._ensure_markets()
        return await replace_and_read(
            self._exchange,
            self._retry,
            replaced_id,
            intent,
            self._settings.market_type,
            fetch=functools.partial(self.fetch_order_async, symbol),
            look_up=functools.partial(self._look_up, intent),
            read=lambda raw: self._client_ids.remember(order_from_ccxt(raw, client_order_id=coid)),
        )

    async def cancel_async(self, symbol: str, client_order_id: str) -> Order:
        """Cancel by client order id and return the order's final state.

        An order the venue will not cancel because it already ended (filled meanwhile,
        cancelled by an earlier try) is fetched and returned in that state.

        Raises:
            OrderNotFound: the venue does not know the order.
            Rejected: the venue refused to cancel a still-working order.
            Transient, Fatal: as for reads.
        """
        await self._ensure_markets()
        if protected_entry_id(client_order_id) is not None:
            listed = await self._lists.cancel(symbol, client_order_id)
            if listed is not None:
                return listed

        async def cancel() -> Any:
            return await self._exchange.cancel_order("", symbol, {"clientOrderId": client_order_id})

        try:
            raw = await self._retry.run("cancel", cancel, client_order_id=client_order_id)
        except (OrderNotFound, Rejected) as refused:
            order = await self.fetch_order_async(symbol, client_order_id)
            if not order.status.is_terminal:
                raise refused from None
            return order
        order = order_from_ccxt(raw, client_order_id=client_order_id)
        # Binance names the cancel request itself in `clientOrderId`: keep ours.
        return self._client_ids.remember(attrs.evolve(order, client_order_id=client_order_id))

    async def fetch_order_async(self, symbol: str, client_order_id: str) -> Order:
        """Return the order by client order id.

        Raises:
            OrderNotFound: the venue does not know it. Transient, Fatal: as for reads.
        """
        await self._ensure_markets()
        if protected_entry_id(client_order_id) is not None:
            listed = await self._lists.fetch(symbol, client_order_id)
            if listed is not None:
                return listed

        async def fetch() -> Any:
            return await self._exchange.fetch_order("", symbol, {"clientOrderId": client_order_id})

        raw = await self._retry.run("fetch order", fetch, client_order_id=client_order_id)
        return self._client_ids.remember(order_from_ccxt(raw, client_order_id=client_order_id))

    async def open_orders_async(self, symbol: str | None = None) -> tuple[Order, ...]:
        """Return the working orders, sorted by client order id."""
        await self._ensure_markets()
        raw = await self._retry.run("open orders", lambda: self._exchange.fetch_open_orders(symbol))
        plain = [item for item in raw if oco_list_id(str(item.get("clientOrderId"))) is None]
        orders = [self._client_ids.remember(order_from_ccxt(item)) for item in plain]
        # An OCO's legs are listed one by one: fold them back into their list.
        orders.extend(self._lists.fold_legs(raw))
        return tuple(sorted(orders, key=lambda order: order.client_order_id))

    async def balances_async(self) -> tuple[Balance, ...]:
        """Return the non-zero balances, sorted by asset."""
        raw = await self._retry.run("balances", self._exchange.fetch_balance)
        if self._settings.market_type is MarketType.SWAP:
            return wallet_balances(raw)
        return tuple(balance for balance in balances_from_ccxt(raw) if balance.total != 0)

    async def own_trades_async(self, symbol: str | None = None, since_ms: int = 0) -> list[Fill]:
        """Return the account's fills since `since_ms`, by time then trade id.

        Without a symbol, asks for each of `settings.symbols` (Binance has no
        account-wide trades endpoint).

        Raises:
            ValueError: no symbol given and none configured.
        """
        symbols = (symbol,) if symbol is not None else self._settings.symbols
        if not symbols:
            raise ValueError("own_trades() needs a symbol, or symbols in the ccxt settings")
        await self._ensure_markets()
        fills: list[Fill] = []
        for name in symbols:
            fills.extend(
                await fetch_own_trades(
                    self._exchange, self._retry, self._client_ids, name, since_ms
                )
            )
        return sorted(fills, key=lambda fill: (fill.ts_ms, fill.trade_id))

    # -- internals ------------------------------------------------------------------------

    async def _look_up(self, intent: ExecutionIntent, unconfirmed: UnconfirmedRequest) -> Order:
        """Look the intent's order up by client id after an unanswered request."""
        coid = intent.client_order_id
        found = await look_up_unconfirmed(
            functools.partial(self.fetch_order_async, intent.symbol, coid),
            clock=self._clock,
            policy=self._settings.retry,
            sleep=self._sleep,
            client_order_id=coid,
            cause=str(unconfirmed),
        )
        self._retry.incidents.append(
            VenueIncident(
                kind=IncidentKind.LOST_ACK,
                operation="submit",
                client_order_id=coid,
                detail=f"submit unanswered ({unconfirmed}); found by client id",
            )
        )
        return found

    async def _ensure_markets(self) -> None:
        if not self._markets_loaded:
            await self._retry.run("load markets", self._exchange.load_markets)
            self._markets_loaded = True


def _satisfies_the_port(execution: CcxtExecution) -> ExecutionPort:
    # mypy checks here that the adapter still matches the port, structurally.
    return execution


def _offers_cancel_replace(execution: CcxtExecution) -> ReplacesOrders:
    return execution


def _tells_its_order_lists(execution: CcxtExecution) -> BooksOrderLists:
    return execution
