"""From one execution directive to raw (not yet quantised) intents: layers x slices."""

from decimal import Decimal

import msgspec

from tradekernel.domain.enums import (
    CloseSemantics,
    DirectiveScope,
    OrderType,
    Side,
    SkipReason,
    TimeInForce,
)
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.trade_plans import ExecutionDirective
from tradekernel.shared.ids import CLIENT_ID_PREFIX, client_order_id


def close_semantics(execution: ExecutionDirective) -> CloseSemantics:
    """Return what the directive does to the position: open, reduce, or close it all."""
    directive = execution.directive
    if directive.scope is DirectiveScope.NEW_TRADE:
        return CloseSemantics.OPEN
    fraction = directive.size.close_fraction
    if directive.scope is DirectiveScope.CLOSE_EXISTING and (fraction is None or fraction >= 1):
        return CloseSemantics.CLOSE_ALL
    return CloseSemantics.REDUCE_ONLY


def expand(
    execution: ExecutionDirective,
    run_id: str,
    cycle_ts_ms: int,
    *,
    prefix: str = CLIENT_ID_PREFIX,
) -> list[ExecutionIntent]:
    """Return one intent per (entry layer, routing slice), quantities as planned.

    Client order ids start with `prefix` (the bot's, see `shared.ids.client_order_id`).

    A MODIFY_EXISTING directive becomes one protective stop order at the directive's own
    stop (`exit.stop_loss_price`), else the exit plan's: a move of a held position's stop
    is not an entry, so the exit planners' entry-side check (which drops a sell stop below
    the price) must not erase it.
    """
    directive = execution.directive
    semantics = close_semantics(execution)
    causes = tuple(sorted({*directive.causes, directive.directive_id}))
    if directive.scope is DirectiveScope.MODIFY_EXISTING:
        stop = directive.exit.stop_loss_price
        if stop is None:
            stop = execution.exit.stop_price
        return [
            ExecutionIntent(
                client_order_id=client_order_id(
                    run_id,
                    cycle_ts_ms,
                    directive.symbol,
                    directive.side,
                    directive.directive_id,
                    prefix=prefix,
                ),
                directive_id=directive.directive_id,
                symbol=directive.symbol,
                side=directive.side,
                order_type=OrderType.STOP,
                quantity=execution.size.quantity,
                stop_price=stop,
                close_semantics=CloseSemantics.REDUCE_ONLY,
                sizing_policy=directive.size.policy,
                reference_price=execution.entry.reference_price,
                causes=causes,
            )
        ]
    intents: list[ExecutionIntent] = []
    slices = execution.routing.slices
    for layer_index, layer in enumerate(execution.entry.layers):
        for slice_index, routing_slice in enumerate(slices):
            index = layer_index * len(slices) + slice_index
            quantity = execution.size.quantity * layer.fraction * routing_slice.fraction
            intents.append(
                ExecutionIntent(
                    client_order_id=client_order_id(
                        run_id,
                        cycle_ts_ms,
                        directive.symbol,
                        directive.side,
                        directive.directive_id,
                        index,
                        prefix=prefix,
                    ),
                    directive_id=directive.directive_id,
                    symbol=directive.symbol,
                    side=directive.side,
                    order_type=layer.order_type,
                    quantity=quantity,
                    price=layer.price,
                    time_in_force=execution.entry.time_in_force,
                    close_semantics=semantics,
                    sizing_policy=directive.size.policy,
                    allow_market_fallback=directive.routing.allow_market_fallback,
                    reference_price=execution.entry.reference_price,
                    stop_loss_price=execution.exit.stop_price
                    if semantics is CloseSemantics.OPEN
                    else None,
                    take_profit_price=(
                        execution.exit.take_profit_price
                        if semantics is CloseSemantics.OPEN
                        else None
                    ),
                    slice_index=index,
                    delay_ms=routing_slice.delay_ms,
                    causes=causes,
                )
            )
    bound = directive.entry.max_slippage_bps
    if bound is None:
        return intents
    return [_bounded(intent, bound) for intent in intents]


_BPS = Decimal(10_000)


def _bounded(intent: ExecutionIntent, bound: Decimal) -> ExecutionIntent:
    """Return the intent carrying its slippage bound; a market order becomes an IOC limit
    at the reference price moved by the bound (up for a buy, down for a sell), so it fills
    within the bound or not at all. A market order without a positive reference price
    cannot be bounded: it is refused (skipped), never sent unbounded."""
    if intent.order_type is not OrderType.MARKET:
        return msgspec.structs.replace(intent, max_slippage_bps=bound)
    reference = intent.reference_price
    if reference is None or not reference.is_finite() or reference <= 0:
        return msgspec.structs.replace(intent, max_slippage_bps=bound).skip(
            SkipReason.INVALID_NORMALIZED_FIELDS,
            f"market order bounded by max_slippage_bps {bound} without a reference price",
        )
    sign = 1 if intent.side is Side.BUY else -1
    limit = reference * (1 + sign * bound / _BPS)
    return msgspec.structs.replace(
        intent,
        order_type=OrderType.LIMIT,
        price=limit,
        time_in_force=TimeInForce.IOC,
        max_slippage_bps=bound,
    )
