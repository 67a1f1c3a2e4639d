from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.fakes.clock import FakeClock
from tests.fakes.execution import FakeExecution, Outcome
from tests.fakes.order_store import FakeOrderStore

from tradekernel.domain.enums import OrderStatus, OrderType, Side, SkipReason
from tradekernel.domain.errors import Fatal
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.plan import Plan, UniverseRecord
from tradekernel.orchestration.consumers import DirectPlanConsumer, OmsPlanConsumer
from tradekernel.orchestration.oms.order_manager import OrderManager

UNIVERSE = UniverseRecord(candidates=(), allow=(), deny=(), selected=())
# Outcomes whose answer both consumers report the same way (ambiguity is resolved by the
# OMS only, which is the point of the OMS).
COMPARABLE = [Outcome.ACCEPT, Outcome.REJECT, Outcome.INSUFFICIENT_FUNDS, Outcome.TRANSIENT]


def _intent(index: int, *, symbol: str = "BTC/USDT", skipped: bool = False) -> ExecutionIntent:
    intent = ExecutionIntent(
        client_order_id=f"tk{index:04d}",
        directive_id=f"dir-{index}",
        symbol=symbol,
        side=Side.BUY if index % 2 else Side.SELL,
        order_type=OrderType.LIMIT,
        quantity=Decimal(index + 1),
        price=Decimal(100 + index),
    )
    return intent.skip(SkipReason.MIN_NOTIONAL, "too small") if skipped else intent


def _plan(cycle: int, intents: list[ExecutionIntent]) -> Plan:
    return Plan(run_id="run-1", cycle_ts_ms=cycle, universe=UNIVERSE, intents=tuple(intents))


def _oms(venue: FakeExecution) -> OmsPlanConsumer:
    return OmsPlanConsumer(OrderManager(store=FakeOrderStore(), venue=venue, clock=FakeClock()))


plans_strategy = st.lists(
    st.lists(
        st.tuples(st.sampled_from(["BTC/USDT", "ETH/USDT", "ADA/USDT"]), st.booleans()),
        max_size=6,
    ),
    min_size=1,
    max_size=5,
)


@settings(max_examples=60, deadline=None)
@given(shapes=plans_strategy, outcomes=st.lists(st.sampled_from(COMPARABLE), max_size=40))
def test_direct_and_oms_consumers_make_identical_submissions_in_plan_order(
    shapes: list[list[tuple[str, bool]]], outcomes: list[Outcome]
) -> None:
    plans = []
    index = 0
    for cycle, shape in enumerate(shapes):
        intents = []
        for symbol, skipped in shape:
            # Symbols deliberately out of alphabetical order: nothing may re-sort them.
            intents.append(_intent(index, symbol=symbol, skipped=skipped))
            index += 1
        plans.append(_plan(cycle, intents))
    direct_venue, oms_venue = FakeExecution(), FakeExecution()
    direct_venue.script(*outcomes)
    oms_venue.script(*outcomes)
    direct, oms = DirectPlanConsumer(direct_venue), _oms(oms_venue)

    direct_reports = [direct.consume(plan) for plan in plans]
    oms_reports = [oms.consume(plan) for plan in plans]

    assert direct_venue.submitted == oms_venue.submitted
    expected_ids = [
        intent.client_order_id for plan in plans for intent in plan.intents if not intent.skipped
    ]
    # Each tradable intent is sent at least once (Transient retries repeat it in place).
    deduplicated = list(dict.fromkeys(direct_venue.submit_ids))
    assert deduplicated == expected_ids
    assert [
        [(s.client_order_id, s.status) for s in report.submissions] for report in direct_reports
    ] == [[(s.client_order_id, s.status) for s in report.submissions] for report in oms_reports]
    assert [r.skipped for r in direct_reports] == [r.skipped for r in oms_reports]


def test_direct_consumer_reports_each_outcome_and_the_skipped_ids() -> None:
    venue = FakeExecution()
    venue.script(Outcome.ACCEPT, Outcome.REJECT, Outcome.AMBIGUOUS_NOT_PLACED)
    plan = _plan(7, [_intent(0), _intent(1), _intent(2, skipped=True), _intent(3)])
    report = DirectPlanConsumer(venue).consume(plan)
    assert [(s.client_order_id, s.status) for s in report.submissions] == [
        ("tk0000", OrderStatus.ACCEPTED),
        ("tk0001", OrderStatus.REJECTED),
        ("tk0003", OrderStatus.SUBMIT_AMBIGUOUS),
    ]
    assert report.skipped == ("tk0002",)
    assert (report.run_id, report.cycle_ts_ms) == ("run-1", 7)


def test_oms_consumer_resolves_an_ambiguous_submit_that_reached_the_venue() -> None:
    venue = FakeExecution()
    venue.script(Outcome.AMBIGUOUS_PLACED)
    report = _oms(venue).consume(_plan(1, [_intent(0)]))
    assert [s.status for s in report.submissions] == [OrderStatus.ACCEPTED]


@pytest.mark.parametrize("make", [DirectPlanConsumer, _oms])
def test_fatal_stops_the_plan_before_the_next_intent(make: object) -> None:
    venue = FakeExecution()
    venue.script(Outcome.FATAL)
    consumer = make(venue)  # type: ignore[operator]
    with pytest.raises(Fatal):
        consumer.consume(_plan(1, [_intent(0), _intent(1)]))
    assert venue.submit_ids == ["tk0000"]


def test_direct_consumer_refuses_a_zero_attempt_budget() -> None:
    with pytest.raises(ValueError, match="submit_attempts"):
        DirectPlanConsumer(FakeExecution(), submit_attempts=0)
