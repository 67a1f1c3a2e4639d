"""Live order care's desk: the cycle's order care sends through the supervisor and the OMS.

Order care (`cycle/order_care.py`) decides when an intent goes out and counts its outcome
toward the symbol's backoff, as in every mode; this desk only sends it: the expected price
to the telemetry (slippage), then the supervisor, which stores it in the OMS before the
venue hears of it and takes care of an entry that ended at once.
"""

from tradekernel.domain.intents import ExecutionIntent
from tradekernel.orchestration.cycle.desk import Outcome
from tradekernel.orchestration.live.supervisor import OrderSupervisor
from tradekernel.orchestration.live.telemetry import LiveTelemetry
from tradekernel.orchestration.oms.order_manager import OrderManager


class SupervisedDesk:
    """Live order care's desk: each intent through the supervisor and the OMS."""

    def __init__(
        self, supervisor: OrderSupervisor, manager: OrderManager, telemetry: LiveTelemetry
    ) -> None:
        self._supervisor = supervisor
        self._manager = manager
        self._telemetry = telemetry
        self.sent: list[str] = []

    def send(self, intent: ExecutionIntent) -> Outcome:
        self._telemetry.expect(intent.client_order_id, intent.reference_price)
        state = self._supervisor.submit(intent)
        self.sent.append(intent.client_order_id)
        return Outcome(status=state.status, detail=state.detail)

    def cancel(self, intent_symbol: str, client_order_id: str) -> None:
        self._manager.cancel(client_order_id)

    def replace(self, intent: ExecutionIntent) -> Outcome:
        """Send a replacement (a moved stop) through the OMS's cancel-replace: the venue's
        own where it has one (ccxt `edit_order`), else cancel-then-new."""
        self._telemetry.expect(intent.client_order_id, intent.reference_price)
        state = self._manager.replace(intent)
        self.sent.append(intent.client_order_id)
        return Outcome(status=state.status, detail=state.detail)

    def working(self) -> tuple[tuple[str, str], ...]:
        return tuple((s.spec.symbol, s.client_order_id) for s in self._manager.open_orders())
