"""Cancel-replace on the venue: ccxt's `edit_order`, and reading an unanswered one.

On Binance spot `edit_order` is one `POST /api/v3/order/cancelReplace` request in
STOP_ON_FAILURE mode: when the cancel fails (the old order filled or is gone) nothing new
is placed. Binance answers such a failure with -2021/-2022, which ccxt cannot classify
(BadResponse, an unconfirmed request here): the replaced order's state then tells
whether anything could have been placed.
"""

from collections.abc import Awaitable, Callable
from typing import Any

from tradekernel.adapters.ccxt.config import MarketType
from tradekernel.adapters.ccxt.order_params import order_params
from tradekernel.adapters.ccxt.retry import RetryRunner, UnconfirmedRequest
from tradekernel.adapters.ccxt.submission import order_args
from tradekernel.domain.enums import OrderStatus
from tradekernel.domain.errors import Rejected
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.orders import Order


async def replace_order(
    exchange: Any,
    retry: RetryRunner,
    replaced_id: str,
    intent: ExecutionIntent,
    market_type: MarketType,
) -> Any:
    """Cancel `replaced_id` and place the intent's order through ccxt's `edit_order`.

    On Binance spot this is one cancel-replace request in STOP_ON_FAILURE mode: when the
    cancel fails (the old order filled or is gone) nothing new is placed.

    Raises:
        UnconfirmedRequest: the venue may have done it (look both orders up, do not resend).
        Rejected: the venue refused the cancel or the new order.
        Transient, Fatal: as for `place_order`.
    """
    params = {
        **order_params(intent, market_type),
        "newClientOrderId": intent.client_order_id,
        "cancelOrigClientOrderId": replaced_id,
    }
    # Binance's edit request reads the trigger as `stopPrice` and passes other keys on.
    if "triggerPrice" in params:
        params["stopPrice"] = params.pop("triggerPrice")

    async def edit() -> Any:
        return await exchange.edit_order("", *order_args(intent), dict(params))

    return await retry.run(
        "replace", edit, client_order_id=intent.client_order_id, retry_unreachable=False
    )


async def replace_and_read(
    exchange: Any,
    retry: RetryRunner,
    replaced_id: str,
    intent: ExecutionIntent,
    market_type: MarketType,
    *,
    fetch: Callable[[str], Awaitable[Order]],
    look_up: Callable[[UnconfirmedRequest], Awaitable[Order]],
    read: Callable[[Any], Order],
) -> tuple[Order, Order]:
    """Send the cancel-replace and return the replaced order's final state and the new one.

    An unanswered request is never resent: the replaced order is read back (`fetch`, by
    client id), and only if it ended cancelled is the new one looked up (`look_up`).

    Raises:
        Rejected: the venue refused the cancel or the new order; nothing was placed.
        AmbiguousSubmit: from `look_up`. Transient, Fatal: as for `place_order`.
    """
    try:
        raw = await replace_order(exchange, retry, replaced_id, intent, market_type)
    except UnconfirmedRequest as unconfirmed:
        replaced = await fetch(replaced_id)
        refuse_unless_cancelled(replaced, unconfirmed, client_order_id=intent.client_order_id)
        return replaced, await look_up(unconfirmed)
    placed = read(raw)
    return await fetch(replaced_id), placed


def refuse_unless_cancelled(
    replaced: Order, unconfirmed: UnconfirmedRequest, *, client_order_id: str
) -> None:
    """After an unanswered cancel-replace, raise unless the replaced order ended cancelled.

    Raises:
        Rejected: the replaced order did not end CANCELLED, so nothing new was placed.
    """
    if replaced.status is not OrderStatus.CANCELLED:
        raise Rejected(
            f"replace of {replaced.client_order_id} failed, it is {replaced.status.value}: "
            f"{unconfirmed}",
            client_order_id=client_order_id,
        )
