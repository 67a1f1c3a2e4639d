"""The IntentDispatcher wired to the real OrderManager over a scripted fake venue, for tests."""

from decimal import Decimal

from tests.fakes.clock import FakeClock
from tests.fakes.execution import FakeExecution
from tests.fakes.order_store import FakeOrderStore
from tests.fakes.runtime import StubRuntime
from tradekernel.orchestration.paper.backoff import RejectionBackoff
from tradekernel.orchestration.paper.dispatcher import IntentDispatcher
from typing_extensions import override

from tradekernel.domain.enums import OrderStatus, OrderType, Side, SkipReason, TradingState
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.plan import Plan, UniverseRecord
from tradekernel.domain.ports.control_store import ControlRecord
from tradekernel.orchestration.oms.order_manager import OrderManager
from tradekernel.orchestration.oms.order_state import OrderState
from tradekernel.orchestration.runtime.trading_control import TradingStateControl

UNIVERSE = UniverseRecord(candidates=(), allow=(), deny=(), selected=())
BASE_MS = 1_000
MAX_MS = 8_000


def make_intent(
    coid: str,
    *,
    symbol: str = "BTC/USDT",
    delay_ms: int = 0,
    skipped: bool = False,
) -> ExecutionIntent:
    intent = ExecutionIntent(
        client_order_id=coid,
        directive_id=f"dir-{coid}",
        symbol=symbol,
        side=Side.BUY,
        order_type=OrderType.LIMIT,
        quantity=Decimal(1),
        price=Decimal(100),
        delay_ms=delay_ms,
    )
    return intent.skip(SkipReason.MIN_NOTIONAL, "too small") if skipped else intent


def make_plan(now_ms: int, *intents: ExecutionIntent) -> Plan:
    return Plan(run_id="run-1", cycle_ts_ms=now_ms, universe=UNIVERSE, intents=intents)


class CountingManager(OrderManager):
    """The real order manager, counting the submit calls it receives (idempotent or not)."""

    def __init__(self, venue: FakeExecution) -> None:
        super().__init__(store=FakeOrderStore(), venue=venue, clock=FakeClock())
        self.submit_calls: list[str] = []

    @override
    def submit(self, intent: ExecutionIntent) -> OrderState:
        self.submit_calls.append(intent.client_order_id)
        return super().submit(intent)


class MemoryControlStore:
    """A `ControlStore` held in memory: what `tradekernel control` would have written."""

    def __init__(self) -> None:
        self.records: dict[str, ControlRecord] = {}

    def read(self, bot_id: str) -> ControlRecord | None:
        return self.records.get(bot_id)

    def write(self, record: ControlRecord) -> None:
        self.records[record.bot_id] = record


class Desk:
    def __init__(
        self,
        *,
        cancel_after_bars: int | None = None,
        control: TradingStateControl | None = None,
    ) -> None:
        self.venue = FakeExecution()
        self.manager = CountingManager(self.venue)
        self.dispatcher = IntentDispatcher(
            self.manager,
            RejectionBackoff(base_ms=BASE_MS, max_ms=MAX_MS),
            cancel_after_bars=cancel_after_bars,
            control=control,
        )

    def cancelled(self) -> list[str]:
        return [c.client_order_id or "" for c in self.venue.calls if c.method == "cancel"]

    def status(self, coid: str) -> OrderStatus:
        state = self.manager.order(coid)
        assert state is not None, coid
        return state.status


def control_in(state: TradingState) -> TradingStateControl:
    store = MemoryControlStore()
    store.write(ControlRecord(bot_id="default", state=state, reason="operator", updated_ms=0))
    control = TradingStateControl(runtime=StubRuntime(), store=store, clock=FakeClock())
    assert control.refresh() is state
    return control
