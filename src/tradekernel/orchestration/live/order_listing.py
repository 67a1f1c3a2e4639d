"""Which orders an operator asks to see: the `open` and `unresolved` status classes, and
the rows of `tradekernel orders` built from the OMS fold and the journal's order records."""

from collections.abc import Iterable, Mapping, Sequence

import attrs

from tradekernel.domain.enums import OrderStatus
from tradekernel.domain.orders import Order
from tradekernel.orchestration.live.telemetry import as_order
from tradekernel.orchestration.oms.order_state import OrderState

# Working at the venue: the venue acknowledged the order and has not ended it. A cancel
# request is still working until the venue confirms the cancel (it may yet fill).
OPEN_STATUSES: frozenset[OrderStatus] = frozenset(
    {
        OrderStatus.SUBMITTED,
        OrderStatus.ACCEPTED,
        OrderStatus.PARTIALLY_FILLED,
        OrderStatus.CANCEL_REQUESTED,
    }
)
# Not known to be working nor finished: CREATED was recorded but no venue answer followed
# (a crash between the record and the send), the submit's outcome is unknown, or
# reconciliation settled the order as vanished without the venue ever ending it (a late
# fill may still arrive, see `transitions`).
UNRESOLVED_STATUSES: frozenset[OrderStatus] = frozenset(
    {OrderStatus.CREATED, OrderStatus.SUBMIT_AMBIGUOUS, OrderStatus.LOST}
)
STATUS_CLASSES: Mapping[str, frozenset[OrderStatus] | None] = {
    "open": OPEN_STATUSES,
    "unresolved": UNRESOLVED_STATUSES,
    "all": None,
}

SOURCE_OMS = "oms"
SOURCE_JOURNAL = "journal"


@attrs.frozen(kw_only=True)
class RunOrders:
    """A run as the listing needs it: its mode and the orders its journal recorded."""

    run_id: str
    mode: str
    orders: Sequence[Order]


@attrs.frozen(kw_only=True)
class OrderRow:
    """One listed order: the run it belongs to (None: no run's journal names it) and
    where its state came from (`oms`: the fold of its events; `journal`: the run's
    `orders` table)."""

    run_id: str | None
    source: str
    order: Order


def order_rows(
    oms_states: Iterable[OrderState],
    runs: Sequence[RunOrders],
    *,
    statuses: frozenset[OrderStatus] | None,
    all_runs: bool,
) -> list[OrderRow]:
    """Return the orders to list, sorted by created time, then client order id, then run.

    A backtest run's orders come from its journal (a backtest writes no order events).
    A paper or live run's orders are the OMS states whose client order id its journal
    recorded; an OMS order no journaled run names is listed with run None when
    `all_runs` (it was created but the run stopped before journaling it). `statuses`
    None keeps every status.
    """
    by_id = {state.client_order_id: state for state in oms_states}
    rows: list[OrderRow] = []
    claimed: set[str] = set()
    for run in runs:
        for recorded in run.orders:
            state = None if run.mode == "backtest" else by_id.get(recorded.client_order_id)
            if state is None:
                rows.append(OrderRow(run_id=run.run_id, source=SOURCE_JOURNAL, order=recorded))
            else:
                claimed.add(state.client_order_id)
                rows.append(OrderRow(run_id=run.run_id, source=SOURCE_OMS, order=as_order(state)))
    if all_runs:
        rows.extend(
            OrderRow(run_id=None, source=SOURCE_OMS, order=as_order(state))
            for coid, state in by_id.items()
            if coid not in claimed
        )
    kept = [row for row in rows if statuses is None or row.order.status in statuses]
    return sorted(
        kept,
        key=lambda row: (row.order.created_ms, row.order.client_order_id, row.run_id or ""),
    )
