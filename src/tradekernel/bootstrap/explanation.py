"""An order's explanation read from the run store: shared by `explain` and the API."""

import json
from decimal import Decimal

from tradekernel.bootstrap.run_records import RunRecords
from tradekernel.domain.ports.operator_console import OrderExplanation
from tradekernel.orchestration.records.canonical import structure_plan
from tradekernel.orchestration.records.causality import plan_causality


def recorded_closes(context_text: str) -> dict[str, float]:
    """Return the bar closes of a recorded cycle: its marks (a backtest marks at the close)."""
    if not context_text:
        return {}
    marks = json.loads(context_text).get("marks", {})
    return {symbol: float(Decimal(mark["price"])) for symbol, mark in sorted(marks.items())}


def find_explanation(
    reader: RunRecords, client_order_id: str, run_id: str | None
) -> OrderExplanation:
    """Return an order's causality chain and fills, read from the run store.

    Raises:
        OrderNotFound: no (such) run recorded the order, or no plan of it names the order.
        ConfigError: `run_id` is given and unknown.
    """
    found_run, order = reader.find_order(client_order_id, run_id)
    entry = reader.plan_containing_order(found_run, client_order_id)
    fills = reader.fills_for_order(client_order_id, found_run)
    plan = structure_plan(json.loads(entry.plan_json))
    return OrderExplanation(
        run_id=found_run,
        order=order,
        cycle_ts_ms=entry.cycle_ts_ms,
        plan_hash=entry.plan_hash,
        directive_id=next(
            (i.directive_id for i in plan.intents if i.client_order_id == client_order_id), None
        ),
        chain=plan_causality(plan, recorded_closes(entry.context_json)),
        fills=tuple(fills),
    )
