"""OrderCare over an OmsDesk: the real OrderManager over the scripted fake venue, for tests."""

from collections.abc import Mapping, Sequence
from decimal import Decimal

from tests.fakes.clock import FakeClock
from tests.fakes.control_store import FakeControlStore
from tests.fakes.execution import FakeExecution
from tests.fakes.order_store import FakeOrderStore
from tests.fakes.runtime import StubRuntime
from typing_extensions import override

from tradekernel.domain.enums import (
    CloseSemantics,
    OrderStatus,
    OrderType,
    Side,
    SkipReason,
    TradingState,
)
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.market import Bar
from tradekernel.domain.orders import Fill
from tradekernel.domain.plan import Plan, UniverseRecord
from tradekernel.domain.ports.control_store import ControlRecord
from tradekernel.domain.trades import ClosedTrade, OpenTrade
from tradekernel.orchestration.cycle.backoff import RejectionBackoff
from tradekernel.orchestration.cycle.desk import OmsDesk
from tradekernel.orchestration.cycle.order_care import OrderCare
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
    close: CloseSemantics = CloseSemantics.OPEN,
) -> ExecutionIntent:
    """Return a limit intent: a buy entry, or a sell when `close` is not OPEN."""
    intent = ExecutionIntent(
        client_order_id=coid,
        directive_id=f"dir-{coid}",
        symbol=symbol,
        side=Side.BUY if close is CloseSemantics.OPEN else Side.SELL,
        order_type=OrderType.LIMIT,
        quantity=Decimal(1),
        price=Decimal(100),
        delay_ms=delay_ms,
        close_semantics=close,
    )
    return intent.skip(SkipReason.MIN_NOTIONAL, "too small") if skipped else intent


def make_plan(now_ms: int, *intents: ExecutionIntent) -> Plan:
    return Plan(run_id="run-1", cycle_ts_ms=now_ms, universe=UNIVERSE, intents=intents)


class ScriptedVenue(FakeExecution):
    """The scripted fake venue as a `SimulatedVenue`: bars match nothing (tests fill by hand)."""

    def on_bar(self, bar: Bar) -> Sequence[Fill]:
        return ()

    def has_open_orders(self, symbol: str | None = None) -> bool:
        return bool(self.open_orders(symbol))

    def cash(self) -> Decimal:
        return Decimal(0)

    def equity(self, marks: Mapping[str, Decimal]) -> Decimal:
        return Decimal(0)

    @property
    def fees_paid(self) -> Decimal:
        return Decimal(0)

    def closed_trades(self) -> tuple[ClosedTrade, ...]:
        return ()

    def open_trades(self) -> tuple[OpenTrade, ...]:
        return ()

    def margin_account(self) -> None:
        return None


class CountingManager(OrderManager):
    """The real order manager, counting the submit calls it receives (idempotent or not)."""

    def __init__(self, venue: FakeExecution, store: FakeOrderStore | None = None) -> None:
        super().__init__(
            store=FakeOrderStore() if store is None else store, venue=venue, clock=FakeClock()
        )
        self.submit_calls: list[str] = []

    @override
    def submit(self, intent: ExecutionIntent) -> OrderState:
        self.submit_calls.append(intent.client_order_id)
        return super().submit(intent)


class Desk:
    """An `OrderCare` sending through an `OmsDesk` to the scripted venue."""

    def __init__(
        self,
        *,
        entry_timeout_ms: int = 0,
        control: TradingStateControl | None = None,
        venue: ScriptedVenue | None = None,
        store: FakeOrderStore | None = None,
    ) -> None:
        """Build a fresh desk; with the `venue` and `store` of another, that desk's restart."""
        self.venue = ScriptedVenue() if venue is None else venue
        self.store = FakeOrderStore() if store is None else store
        self.manager = CountingManager(self.venue, self.store)
        self.oms_desk = OmsDesk(self.manager, self.venue)
        self.care = OrderCare(
            self.oms_desk,
            RejectionBackoff(base_ms=BASE_MS, max_ms=MAX_MS),
            entry_timeout_ms=entry_timeout_ms,
            control=control,
        )

    def cancelled(self) -> list[str]:
        return [c.client_order_id or "" for c in self.venue.calls if c.method == "cancel"]

    def status(self, coid: str) -> OrderStatus:
        state = self.manager.order(coid)
        assert state is not None, coid
        return state.status

    def restart(self, now_ms: int) -> None:
        """Take up the orders the desk finds working at a restart, at `now_ms`."""
        # The desk's start rebuilds the OMS from the store and names what it finds working.
        self.care.adopt(self.oms_desk.start(), now_ms)


def control_in(state: TradingState) -> TradingStateControl:
    store = FakeControlStore()
    store.write(ControlRecord(bot_id="default", state=state, reason="operator", updated_ms=0))
    control = TradingStateControl(runtime=StubRuntime(), store=store, clock=FakeClock())
    assert control.refresh() is state
    return control
