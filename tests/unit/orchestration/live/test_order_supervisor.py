from decimal import Decimal

import msgspec
from tests.fakes.execution import Outcome
from tests.unit.orchestration.live.live_fixtures import SYMBOL, Live, intent

from tradekernel.domain.blueprint import ExecutionPolicy
from tradekernel.domain.enums import CloseSemantics, OrderStatus, OrderType, Side, TimeInForce
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.live_policy import FallbackReason, RollbackPolicy
from tradekernel.domain.plan import Plan, UniverseRecord
from tradekernel.orchestration.cycle.desk import Outcome as DeskOutcome
from tradekernel.orchestration.cycle.order_care import OrderCare


def _market_follow_ups(live: Live) -> list[tuple[str, Decimal]]:
    return [
        (i.side.value, i.quantity) for i in live.venue.submitted if i.order_type is OrderType.MARKET
    ]


def test_poll_records_fills_of_working_orders() -> None:
    live = Live()
    live.supervisor.submit(intent("tkA", quantity="2"))
    live.venue.fill("tkA", Decimal("0.5"), Decimal(100))
    live.supervisor.poll(cancels_allowed=True)
    assert live.oms.order("tkA").filled_quantity == Decimal("0.5")  # type: ignore[union-attr]


def test_entry_timeout_cancels_and_close_rollback_sells_the_filled_part() -> None:
    policy = ExecutionPolicy(entry_timeout_ms=30_000, rollback=RollbackPolicy.CLOSE)
    live = Live(policy=policy)
    live.supervisor.submit(intent("tkA", quantity="2"))
    live.venue.fill("tkA", Decimal("0.5"), Decimal(100))
    live.clock.advance(29_999)
    live.supervisor.poll(cancels_allowed=True)
    assert live.oms.order("tkA").status is OrderStatus.PARTIALLY_FILLED  # type: ignore[union-attr]
    live.clock.advance(1)
    live.supervisor.poll(cancels_allowed=True)
    assert live.oms.order("tkA").status is OrderStatus.CANCELLED  # type: ignore[union-attr]
    assert _market_follow_ups(live) == [("sell", Decimal("0.500"))]
    rollback = live.venue.submitted[-1]
    assert rollback.close_semantics is CloseSemantics.REDUCE_ONLY
    live.supervisor.poll(cancels_allowed=True)
    assert len(live.venue.submitted) == 2  # handled once


def test_reduce_rollback_sells_the_declared_fraction_floored_to_the_step() -> None:
    policy = ExecutionPolicy(
        entry_timeout_ms=1, rollback=RollbackPolicy.REDUCE, reduce_fraction=Decimal("0.3")
    )
    live = Live(policy=policy)
    live.supervisor.submit(intent("tkA", quantity="2"))
    live.venue.fill("tkA", Decimal("0.7"), Decimal(100))
    live.clock.advance(1)
    live.supervisor.poll(cancels_allowed=True)
    assert _market_follow_ups(live) == [("sell", Decimal("0.210"))]


def test_keep_rollback_sends_nothing_after_the_cancel() -> None:
    live = Live(policy=ExecutionPolicy(entry_timeout_ms=1))
    live.supervisor.submit(intent("tkA", quantity="2"))
    live.venue.fill("tkA", Decimal("0.7"), Decimal(100))
    live.clock.advance(1)
    live.supervisor.poll(cancels_allowed=True)
    assert _market_follow_ups(live) == []


def test_market_fallback_needs_permission_and_a_listed_reason() -> None:
    no_reason = Live(policy=ExecutionPolicy(allow_market_fallback=True))
    no_reason.venue.script(Outcome.REJECT)
    no_reason.supervisor.submit(intent("tkA"))
    assert _market_follow_ups(no_reason) == []
    no_permission = Live(policy=ExecutionPolicy(fallback_on=(FallbackReason.REJECT,)))
    no_permission.venue.script(Outcome.REJECT)
    no_permission.supervisor.submit(intent("tkA"))
    assert _market_follow_ups(no_permission) == []
    per_intent = Live(policy=ExecutionPolicy(fallback_on=(FallbackReason.REJECT,)))
    per_intent.venue.script(Outcome.REJECT)
    per_intent.supervisor.submit(intent("tkA", fallback=True))
    assert _market_follow_ups(per_intent) == [("buy", Decimal(1))]
    assert per_intent.supervisor.follow_ups[0].reason == "reject"


class _SupervisedDesk:
    """Order care's desk over the supervisor, as the live runner wires it."""

    def __init__(self, live: Live) -> None:
        self.live = live

    def send(self, sent: ExecutionIntent) -> DeskOutcome:
        state = self.live.supervisor.submit(sent)
        return DeskOutcome(status=state.status, detail=state.detail)

    def cancel(self, intent_symbol: str, client_order_id: str) -> None:
        self.live.oms.cancel(client_order_id)

    def working(self) -> tuple[tuple[str, str], ...]:
        return tuple((s.spec.symbol, s.client_order_id) for s in self.live.oms.open_orders())


def _plan(now_ms: int, *intents: ExecutionIntent) -> Plan:
    universe = UniverseRecord(candidates=(), allow=(), deny=(), selected=())
    return Plan(run_id="run", cycle_ts_ms=now_ms, universe=universe, intents=intents)


def test_a_rejected_live_entry_starts_a_backoff_and_a_close_is_never_counted() -> None:
    live = Live()
    care = OrderCare(_SupervisedDesk(live), live.backoff)
    now = 7_000
    live.venue.script(Outcome.REJECT, Outcome.REJECT)
    care.dispatch(_plan(now, intent("tkA")), now)
    assert live.backoff.until(now) == {SYMBOL: now + 1_000}
    assert live.backoff_store.rows[SYMBOL].failures == 1  # written through: survives a restart
    care.dispatch(
        _plan(now, intent("tkB", side=Side.SELL, semantics=CloseSemantics.CLOSE_ALL)), now
    )
    assert live.backoff.records()[0].failures == 1
    care.dispatch(_plan(now, intent("tkC")), now)
    assert live.backoff.until(now) == {}


def test_halted_state_polls_fills_but_sends_no_cancel() -> None:
    live = Live(policy=ExecutionPolicy(entry_timeout_ms=1))
    live.supervisor.submit(intent("tkA", quantity="2"))
    live.clock.advance(10)
    live.supervisor.poll(cancels_allowed=False)
    assert [c.method for c in live.venue.calls].count("cancel") == 0


def test_a_fallback_of_a_bounded_entry_is_an_ioc_limit_at_the_bound() -> None:
    live = Live(policy=ExecutionPolicy(fallback_on=(FallbackReason.REJECT,)))
    live.venue.script(Outcome.REJECT)
    bounded = msgspec.structs.replace(intent("tkA", fallback=True), max_slippage_bps=Decimal(50))
    live.supervisor.submit(bounded)
    assert _market_follow_ups(live) == []
    follow_up = live.venue.submitted[-1]
    assert follow_up.client_order_id != "tkA"
    assert (follow_up.order_type, follow_up.time_in_force) == (OrderType.LIMIT, TimeInForce.IOC)
    assert follow_up.price == Decimal("100.5")  # the 100 limit, 50 bps worse at most
    assert live.supervisor.follow_ups[0].kind == "fallback"
