"""A scripted fake exchange and clock for the submission tests (`submission.py`)."""

import asyncio
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

import numpy as np

from tradekernel.adapters.ccxt.config import MarketType, RetryPolicy
from tradekernel.adapters.ccxt.retry import RetryRunner
from tradekernel.adapters.ccxt.submission import look_up_unconfirmed, place_order
from tradekernel.domain.enums import CloseSemantics, OrderType, Side, TimeInForce
from tradekernel.domain.errors import (
    OrderNotFound,
)
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.orders import Order

COID = "tk0123456789abcdef0123456789ab"
RAW_ACK = {"id": "8731", "clientOrderId": COID, "status": "open"}


class FakeClock:
    """A clock that only moves when something sleeps on it."""

    def __init__(self, start_ms: int = 1_700_000_000_000) -> None:
        self.start_ms = start_ms
        self.ms = start_ms
        self.pauses: list[float] = []

    def now_ms(self) -> int:
        return self.ms

    def elapsed_ms(self) -> int:
        return self.ms - self.start_ms

    async def sleep(self, seconds: float) -> None:
        self.pauses.append(seconds)
        self.ms += round(seconds * 1000)


class FakeExchange:
    """Records every `create_order` call; raises the scripted errors in turn, then acks."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls: list[tuple[Any, ...]] = []

    async def create_order(
        self,
        symbol: str,
        order_type: str,
        side: str,
        amount: str,
        price: str | None,
        params: dict[str, Any],
    ) -> dict[str, str]:
        # Keep a snapshot: what was sent, not what the dict became afterwards.
        self.calls.append((symbol, order_type, side, amount, price, dict(params)))
        if self.errors:
            raise self.errors.pop(0)
        return RAW_ACK


class ParamsEatingExchange(FakeExchange):
    """Empties the params it is given, as a ccxt method may do with its own argument."""

    async def create_order(
        self,
        symbol: str,
        order_type: str,
        side: str,
        amount: str,
        price: str | None,
        params: dict[str, Any],
    ) -> dict[str, str]:
        try:
            return await super().create_order(symbol, order_type, side, amount, price, params)
        finally:
            params.clear()


class Lookups:
    """A fetch-by-client-id that gives the scripted answers in turn, noting when it ran."""

    def __init__(self, clock: FakeClock, *answers: Exception | Order) -> None:
        self.clock = clock
        self.answers = list(answers)
        self.at_ms: list[int] = []

    async def __call__(self) -> Order:
        self.at_ms.append(self.clock.elapsed_ms())
        answer = self.answers.pop(0) if self.answers else OrderNotFound("still unknown")
        if isinstance(answer, Exception):
            raise answer
        return answer


def runner(policy: RetryPolicy, clock: FakeClock) -> tuple[RetryRunner, list[str]]:
    resyncs: list[str] = []

    async def resync() -> None:
        resyncs.append("resync")

    retry = RetryRunner(
        policy=policy,
        rng=np.random.default_rng(7),
        sleep=clock.sleep,
        resync_clock=resync,
        last_headers=lambda: None,
        redact=str,
    )
    return retry, resyncs


def intent(
    order_type: OrderType = OrderType.LIMIT,
    *,
    side: Side = Side.BUY,
    symbol: str = "BTC/USDT",
    quantity: str = "0.0100",
    price: str | None = "30000.50",
    stop_price: str | None = None,
    time_in_force: TimeInForce = TimeInForce.GTC,
    close_semantics: CloseSemantics = CloseSemantics.OPEN,
) -> ExecutionIntent:
    return ExecutionIntent(
        client_order_id=COID,
        directive_id="dir-1",
        symbol=symbol,
        side=side,
        order_type=order_type,
        quantity=Decimal(quantity),
        price=None if price is None else Decimal(price),
        stop_price=None if stop_price is None else Decimal(stop_price),
        time_in_force=time_in_force,
        close_semantics=close_semantics,
    )


def found_order() -> Order:
    return Order(
        client_order_id=COID,
        symbol="BTC/USDT",
        side=Side.BUY,
        order_type=OrderType.LIMIT,
        quantity=Decimal("0.0100"),
        price=Decimal("30000.50"),
        venue_order_id="8731",
    )


def place(
    exchange: FakeExchange,
    the_intent: ExecutionIntent,
    market_type: MarketType = MarketType.SPOT,
    policy: RetryPolicy | None = None,
    clock: FakeClock | None = None,
) -> Any:
    retry, _ = runner(policy or RetryPolicy(), clock or FakeClock())
    return asyncio.run(place_order(exchange, retry, the_intent, market_type))


def look_up(
    fetch: Callable[[], Awaitable[Order]],
    clock: FakeClock,
    policy: RetryPolicy,
    cause: str = "submit: RequestTimeout: read timed out",
) -> Order:
    return asyncio.run(
        look_up_unconfirmed(
            fetch, clock=clock, policy=policy, sleep=clock.sleep, client_order_id=COID, cause=cause
        )
    )
