"""Placing one order on the venue, and settling a submit whose outcome is unknown.

A submit is never retried blindly, as a second request could place a second order: the
create call runs with `retry_unreachable=False`, so a timeout, a 5xx or a dropped
connection surfaces as `UnconfirmedRequest`. The order is then looked up by our client
order id for `retry.lookup_window_s` (by the injected clock); the order found is the
submit's answer, and only when none shows up in time is the submit `AmbiguousSubmit`.
"""

from collections.abc import Awaitable, Callable
from typing import Any

from tradekernel.adapters.ccxt.config import MarketType, RetryPolicy
from tradekernel.adapters.ccxt.order_params import CCXT_TYPE, order_params
from tradekernel.adapters.ccxt.retry import RetryRunner, Sleep
from tradekernel.domain.errors import AmbiguousSubmit, OrderNotFound, Transient
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.orders import Order
from tradekernel.domain.ports.clock import Clock


async def place_order(
    exchange: Any, retry: RetryRunner, intent: ExecutionIntent, market_type: MarketType
) -> Any:
    """Send the intent's order with our client order id; return the venue's raw answer.

    Raises:
        UnconfirmedRequest: the venue may hold the order (look it up, do not resend).
        Rejected, InsufficientFunds: the venue refused the order.
        Transient: rate limited past the attempts (the order was not placed).
        Fatal: banned or keys refused; all traffic is halted.
    """
    params = order_params(intent, market_type)

    async def create() -> Any:
        return await exchange.create_order(*order_args(intent), dict(params))

    return await retry.run(
        "submit", create, client_order_id=intent.client_order_id, retry_unreachable=False
    )


def order_args(intent: ExecutionIntent) -> tuple[str, str, str, str, str | None]:
    """Return ccxt's positional order arguments: symbol, type, side, amount and price."""
    price = None if intent.price is None else str(intent.price)
    return (
        intent.symbol,
        CCXT_TYPE[intent.order_type],
        intent.side.value,
        str(intent.quantity),
        price,
    )


async def look_up_unconfirmed(
    fetch: Callable[[], Awaitable[Order]],
    *,
    clock: Clock,
    policy: RetryPolicy,
    sleep: Sleep,
    client_order_id: str,
    cause: str,
) -> Order:
    """Fetch the order of an unconfirmed submit until it shows up or the window ends.

    Args:
        fetch: reads the order by its client order id.
        clock: measures the lookup window.
        policy: gives `lookup_window_s` and the pause between lookups.
        sleep: waits between lookups.
        client_order_id: the submitted order's id.
        cause: why the submit went unconfirmed, for the error.

    Raises:
        AmbiguousSubmit: the order was not found within the window.
        Fatal: from a lookup; all traffic is halted.
    """
    # round, not int: 1.001 s * 1000 is 1000.999..., and truncating ends the window early.
    deadline_ms = clock.now_ms() + round(policy.lookup_window_s * 1000)
    while True:
        try:
            return await fetch()
        except (OrderNotFound, Transient):
            pass
        if clock.now_ms() >= deadline_ms:
            raise AmbiguousSubmit(
                f"submit outcome unknown: order not found by client id within "
                f"{policy.lookup_window_s} s after: {cause}",
                client_order_id=client_order_id,
            )
        await sleep(policy.lookup_interval_s)
