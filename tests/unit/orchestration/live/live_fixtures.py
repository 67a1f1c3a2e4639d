"""A reconciler, a supervisor and their fakes, wired the way the live runner wires them."""

from decimal import Decimal

from tests.fakes.backoff_store import FakeBackoffStore
from tests.fakes.clock import FakeClock
from tests.fakes.execution import FakeExecution
from tests.fakes.order_store import FakeOrderStore

from tradekernel.domain.account import Balance
from tradekernel.domain.blueprint import ExecutionPolicy
from tradekernel.domain.enums import CloseSemantics, OrderType, Side
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.live_policy import OrphanPolicy
from tradekernel.domain.market import SymbolRules
from tradekernel.orchestration.cycle.backoff import RejectionBackoff
from tradekernel.orchestration.live.reconciliation import Reconciler, ReconcileSettings
from tradekernel.orchestration.live.supervisor import OrderSupervisor
from tradekernel.orchestration.oms.order_manager import OrderManager

SYMBOL = "BTC/USDT"
RULES = {
    SYMBOL: SymbolRules(
        symbol=SYMBOL,
        base="BTC",
        quote="USDT",
        tick_size=Decimal("0.01"),
        step_size=Decimal("0.001"),
    )
}


def intent(
    coid: str,
    *,
    quantity: str = "1",
    side: Side = Side.BUY,
    semantics: CloseSemantics = CloseSemantics.OPEN,
    fallback: bool = False,
) -> ExecutionIntent:
    return ExecutionIntent(
        client_order_id=coid,
        directive_id="dir",
        symbol=SYMBOL,
        side=side,
        order_type=OrderType.LIMIT,
        quantity=Decimal(quantity),
        price=Decimal(100),
        close_semantics=semantics,
        allow_market_fallback=fallback,
    )


class Live:
    def __init__(
        self,
        *,
        orphans: OrphanPolicy = OrphanPolicy.REFUSE,
        policy: ExecutionPolicy | None = None,
    ) -> None:
        self.clock = FakeClock()
        self.store = FakeOrderStore()
        self.venue = FakeExecution(now_ms=self.clock.now_ms())
        self.venue.set_account([Balance(asset="USDT", free=Decimal(10_000))], [])
        self.oms = OrderManager(store=self.store, venue=self.venue, clock=self.clock)
        self.backoff_store = FakeBackoffStore()
        self.backoff = RejectionBackoff(store=self.backoff_store, base_ms=1_000, max_ms=8_000)
        self.reconciler = Reconciler(
            manager=self.oms,
            venue=self.venue,
            store=self.store,
            settings=ReconcileSettings(
                symbols=(SYMBOL,),
                bases={SYMBOL: "BTC"},
                tolerance={SYMBOL: Decimal("0.001")},
                orphans=orphans,
            ),
        )
        self.supervisor = OrderSupervisor(
            manager=self.oms,
            policy=policy or ExecutionPolicy(),
            clock=self.clock,
            run_id="run",
            rules=RULES,
            holding=lambda symbol, side: Decimal(1_000),
        )
