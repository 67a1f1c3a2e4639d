"""What the kernel derives from a cycle's context for its stages, in documented orders."""

from collections.abc import Sequence
from decimal import Decimal

from tradekernel.domain.context import PlanningContext
from tradekernel.domain.orders import OpenOrderView
from tradekernel.domain.ports.plugins import AllocationRejection
from tradekernel.domain.trade_plans import ExecutionDirective
from tradekernel.features.intents.inputs import IntentInputs
from tradekernel.shared.bars import BarSeries


def orders_by_symbol(
    open_orders: tuple[OpenOrderView, ...],
) -> dict[str, tuple[OpenOrderView, ...]]:
    """Return each symbol's working orders, in the order given (client id order)."""
    grouped: dict[str, list[OpenOrderView]] = {}
    for order in open_orders:
        grouped.setdefault(order.symbol, []).append(order)
    return {symbol: tuple(orders) for symbol, orders in grouped.items()}


def rejections_of(
    executions: Sequence[ExecutionDirective], rejected: Sequence[AllocationRejection]
) -> list[tuple[ExecutionDirective, AllocationRejection]]:
    """Return each rejected directive's execution directive with its rejection."""
    if not rejected:
        return []  # the common case: no index of the executions to build
    by_id = {execution.directive_id: execution for execution in executions}
    return [(by_id[r.directive_id], r) for r in rejected if r.directive_id in by_id]


def intent_inputs(
    context: PlanningContext[BarSeries],
    universe: frozenset[str],
    open_orders: tuple[OpenOrderView, ...],
    equity: Decimal | None = None,
) -> IntentInputs:
    """Return what the intent builder reads of the cycle: rules, marks, balances, state.

    `universe`: the selected symbols. `equity` is the account's on a perpetual account
    (the leverage gate reads it).
    """
    return IntentInputs(
        run_id=context.run_id,
        cycle_ts_ms=context.now_ms,
        universe=universe,
        rules=context.rules,
        marks={symbol: mark.price for symbol, mark in context.marks.items()},
        positions=context.positions,
        open_orders=open_orders,
        free_balances={asset: balance.free for asset, balance in context.balances.items()},
        trading_state=context.trading_state,
        stop_new_orders=context.stop_new_orders,
        backoff_until_ms=context.backoff_until_ms,
        client_id_prefix=context.client_id_prefix,
        equity=equity,
    )
