"""Plan consumers: how a plan's intents reach a venue, directly or through the OMS.

Both send the plan's non-skipped intents in plan order (never re-sorted), so for the same
plan and the same venue answers the venue receives identical submissions from either.
"""

from collections.abc import Callable
from typing import Protocol

import attrs

from tradekernel.domain.enums import OrderStatus
from tradekernel.domain.errors import AmbiguousSubmit, Rejected, Transient
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.orders import Order
from tradekernel.domain.plan import Plan
from tradekernel.domain.ports.execution import ExecutionPort
from tradekernel.orchestration.oms.order_manager import OrderManager


@attrs.frozen(kw_only=True)
class Submission:
    """What became of one intent: the status after the venue's answer, and why."""

    client_order_id: str
    symbol: str
    status: OrderStatus
    detail: str = ""


@attrs.frozen(kw_only=True)
class ConsumeReport:
    """One plan's outcome: submissions in plan order, and the skipped intents' ids."""

    run_id: str
    cycle_ts_ms: int
    submissions: tuple[Submission, ...] = ()
    skipped: tuple[str, ...] = ()


class PlanConsumer(Protocol):
    def consume(self, plan: Plan) -> ConsumeReport:
        """Send the plan's tradable intents, in plan order, and report each outcome.

        Raises:
            Fatal: the venue demands that all traffic stop; later intents are not sent.
        """
        ...


def _report(plan: Plan, submit: Callable[[ExecutionIntent], Submission]) -> ConsumeReport:
    return ConsumeReport(
        run_id=plan.run_id,
        cycle_ts_ms=plan.cycle_ts_ms,
        submissions=tuple(submit(intent) for intent in plan.tradable_intents),
        skipped=tuple(intent.client_order_id for intent in plan.skipped_intents),
    )


class DirectPlanConsumer:
    """Submit straight to the venue, keeping no records (backtests, where speed matters).

    A Transient answer is retried up to `submit_attempts` times, like the OMS does, so the
    two consumers make the same calls for the same venue behaviour.
    """

    def __init__(self, venue: ExecutionPort, *, submit_attempts: int = 3) -> None:
        if submit_attempts < 1:
            raise ValueError(f"submit_attempts must be >= 1, got {submit_attempts}")
        self._venue = venue
        self._attempts = submit_attempts

    def consume(self, plan: Plan) -> ConsumeReport:
        """Send the plan's tradable intents, in plan order, and report each outcome.

        Raises:
            Fatal: from the venue; later intents are not sent.
        """
        return _report(plan, self._submit)

    def _submit(self, intent: ExecutionIntent) -> Submission:
        for attempt in range(1, self._attempts + 1):
            try:
                order = self._venue.submit(intent)
            except Transient as error:
                if attempt < self._attempts:
                    continue
                return _submission(
                    intent, OrderStatus.REJECTED, f"transient after {attempt} attempts: {error}"
                )
            except Rejected as error:
                return _submission(intent, OrderStatus.REJECTED, f"{type(error).__name__}: {error}")
            except AmbiguousSubmit as error:
                return _submission(intent, OrderStatus.SUBMIT_AMBIGUOUS, str(error))
            return _from_order(intent, order)
        raise AssertionError("unreachable: submit_attempts >= 1")


class OmsPlanConsumer:
    """Submit through the order manager, every step an event (paper and live)."""

    def __init__(self, manager: OrderManager) -> None:
        self._manager = manager

    def consume(self, plan: Plan) -> ConsumeReport:
        """Send the plan's tradable intents, in plan order, and report each outcome.

        Raises:
            Fatal: from the venue (recorded by the OMS); later intents are not sent.
        """
        return _report(plan, self._submit)

    def _submit(self, intent: ExecutionIntent) -> Submission:
        state = self._manager.submit(intent)
        return _submission(intent, state.status, state.detail)


def _from_order(intent: ExecutionIntent, order: Order) -> Submission:
    return _submission(intent, order.status)


def _submission(intent: ExecutionIntent, status: OrderStatus, detail: str = "") -> Submission:
    return Submission(
        client_order_id=intent.client_order_id, symbol=intent.symbol, status=status, detail=detail
    )
