"""Cancel-replace in the OMS: a new order takes the place of a working one, lineage kept.

The new order's CREATED payload names the order it replaces (`replaces`), so the events
of both orders tell the whole story: the old order's CANCEL_REQUESTED and CANCELLED, the
new order's CREATED and the venue's answer. A venue with native cancel-replace
(`ReplacesOrders`) gets one request; any other gets a cancel, then the new order, sent
only once the cancel is confirmed. When the old order filled or is gone, the new order
is recorded REJECTED with the reason and never sent: a stop is moved, never stacked.
"""

from typing import Protocol

from tradekernel.domain.enums import OrderStatus
from tradekernel.domain.errors import AmbiguousSubmit, OrderNotFound, Rejected, Transient
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.ports.execution import ExecutionPort, ReplacesOrders
from tradekernel.orchestration.oms.order_log import OrderLog
from tradekernel.orchestration.oms.order_payload import OrderSpec
from tradekernel.orchestration.oms.order_state import OrderState
from tradekernel.orchestration.oms.venue_reports import VenueReports


def replace_refusal(replaced_id: str, status: OrderStatus | None) -> str:
    """Return why a replacement was not sent: the replaced order did not end cancelled.

    Worded once for every desk, so a backtest and paper report the same rejection.
    """
    if status is None:
        return f"replaces {replaced_id}, which is not known"
    return f"replaces {replaced_id}, which is {status.value}, not cancelled"


class OrderCommands(Protocol):
    """The order manager's commands a replacement uses (it is one of its steps)."""

    def submit(self, intent: ExecutionIntent) -> OrderState: ...

    def cancel(self, client_order_id: str) -> OrderState: ...

    def refresh(self, client_order_id: str) -> OrderState: ...


class Replacement:
    """The order manager's cancel-replace (see the module docstring)."""

    def __init__(
        self, *, log: OrderLog, venue: ExecutionPort, reports: VenueReports, oms: OrderCommands
    ) -> None:
        self._log = log
        self._venue = venue
        self._reports = reports
        self._oms = oms

    def replace(self, intent: ExecutionIntent) -> OrderState:
        """Put the intent's order in the place of the order it names; return its state."""
        replaced = intent.replaced_order_id
        if replaced is None or self._log.get(intent.client_order_id) is not None:
            return self._oms.submit(intent)
        old = self._log.get(replaced)
        if old is not None and not old.is_terminal:
            venue = self._venue
            sent = old.status not in {OrderStatus.CREATED, OrderStatus.SUBMIT_AMBIGUOUS}
            if sent and isinstance(venue, ReplacesOrders) and venue.can_replace:
                return self._at_venue(venue, old, intent)
            try:
                old = self._oms.cancel(replaced)
            except (OrderNotFound, Rejected, Transient) as error:
                return self._refuse(intent, f"replaces {replaced}, whose cancel failed: {error}")
        if old is None or old.status is not OrderStatus.CANCELLED:
            status = None if old is None else old.status
            return self._refuse(intent, replace_refusal(replaced, status))
        return self._oms.submit(intent)

    def _at_venue(
        self, venue: ReplacesOrders, old: OrderState, intent: ExecutionIntent
    ) -> OrderState:
        spec = OrderSpec.from_intent(intent)
        coid = spec.client_order_id
        if old.status is not OrderStatus.CANCEL_REQUESTED:
            self._log.record(old.client_order_id, OrderStatus.CANCEL_REQUESTED)
        self._log.record(coid, OrderStatus.CREATED, payload=spec.to_json())
        try:
            cancelled, placed = venue.replace(old.spec.symbol, old.client_order_id, intent)
        except Rejected as error:
            self._oms.refresh(old.client_order_id)  # filled meanwhile, or still working
            return self._log.record(
                coid, OrderStatus.REJECTED, reason=f"{type(error).__name__}: {error}"
            )
        except (AmbiguousSubmit, Transient) as error:
            self._log.record(coid, OrderStatus.SUBMIT_AMBIGUOUS, reason=str(error))
            self._oms.refresh(old.client_order_id)
            return self._reports.resolve(coid)
        self._reports.apply_order(old.client_order_id, cancelled, first_answer=False)
        return self._reports.apply_order(coid, placed, first_answer=True)

    def _refuse(self, intent: ExecutionIntent, reason: str) -> OrderState:
        spec = OrderSpec.from_intent(intent)
        self._log.record(spec.client_order_id, OrderStatus.CREATED, payload=spec.to_json())
        return self._log.record(spec.client_order_id, OrderStatus.REJECTED, reason=reason)
