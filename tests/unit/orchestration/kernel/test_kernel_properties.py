"""Determinism and order-independence of the kernel on real data."""

from decimal import Decimal

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kernel_fixtures import context_at, real_series, rich_kernel

from tradekernel.domain.context import PlanningContext
from tradekernel.orchestration.records.canonical import canonical_json, plan_hash
from tradekernel.shared.bars import BarSeries

KERNEL = rich_kernel()
SERIES = real_series(KERNEL)

contexts = st.builds(
    lambda index, cash, held, with_order: context_at(
        KERNEL, SERIES, index, cash=cash, held=held, with_order=with_order
    ),
    index=st.integers(min_value=0, max_value=2999),
    cash=st.sampled_from([Decimal(0), Decimal("150.5"), Decimal("50000"), Decimal("2500000")]),
    held=st.sampled_from([Decimal(0), Decimal("0.0173"), Decimal("3")]),
    with_order=st.booleans(),
)

PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _reversed(context: PlanningContext[BarSeries]) -> PlanningContext[BarSeries]:
    def flip(mapping):  # type: ignore[no-untyped-def]
        return dict(reversed(list(mapping.items())))

    return attrs.evolve(
        context,
        symbols=tuple(reversed(context.symbols)),
        history=flip(context.history),
        rules=flip(context.rules),
        marks=flip(context.marks),
        balances=flip(context.balances),
        positions=flip(context.positions),
        open_orders=tuple(reversed(context.open_orders)),
    )


@PROPERTY
@given(contexts)
def test_equal_contexts_give_equal_plan_hashes(context: PlanningContext[BarSeries]) -> None:
    first = KERNEL.plan(context)
    rebuilt = attrs.evolve(context, history=dict(context.history))
    assert plan_hash(first) == plan_hash(KERNEL.plan(rebuilt))
    assert canonical_json(first) == canonical_json(KERNEL.plan(context))


@PROPERTY
@given(contexts)
def test_input_order_never_changes_the_plan(context: PlanningContext[BarSeries]) -> None:
    assert plan_hash(KERNEL.plan(context)) == plan_hash(KERNEL.plan(_reversed(context)))


@PROPERTY
@given(contexts)
def test_tradable_intents_respect_the_symbol_rules(context: PlanningContext[BarSeries]) -> None:
    plan = KERNEL.plan(context)
    for intent in plan.tradable_intents:
        rules = context.rules[intent.symbol]
        assert intent.quantity > 0
        assert intent.quantity % rules.step_size == 0
        assert intent.quantity >= rules.min_qty
        price = intent.price or intent.stop_price or context.marks[intent.symbol].price
        assert intent.quantity * price >= rules.min_notional
        if intent.price is not None:
            assert intent.price % rules.tick_size == 0
        assert len(intent.client_order_id) <= 32
        assert intent.client_order_id.isalnum() and intent.client_order_id.isascii()


@PROPERTY
@given(contexts)
def test_every_directive_is_accounted_for(context: PlanningContext[BarSeries]) -> None:
    """A directive either reaches an intent or a diagnostic: nothing disappears silently."""
    plan = KERNEL.plan(context)
    with_intents = {intent.directive_id for intent in plan.intents}
    for directive in plan.directives:
        mentioned = any(directive.directive_id in d.message for d in plan.diagnostics)
        assert directive.directive_id in with_intents or mentioned


def test_the_property_contexts_do_trade_sometimes() -> None:
    """Guard against vacuous properties: some sampled bars give tradable intents."""
    traded = 0
    for index in range(100, 3000, 37):
        plan = KERNEL.plan(
            context_at(
                KERNEL, SERIES, index, cash=Decimal("50000"), held=Decimal(0), with_order=False
            )
        )
        traded += len(plan.tradable_intents)
    assert traded > 0


@PROPERTY
@given(contexts)
def test_every_id_in_a_plan_names_one_thing(context: PlanningContext[BarSeries]) -> None:
    """A portfolio-wide threat seen by every symbol is listed once, not once per symbol."""
    plan = KERNEL.plan(context)
    ids = [a.assessment_id for a in plan.assessments]
    ids += [o.signal_id for o in plan.opportunities]
    ids += [t.signal_id for t in plan.threats]
    ids += [d.directive_id for d in plan.directives]
    ids += [i.client_order_id for i in plan.intents]
    assert len(ids) == len(set(ids))


def test_a_drawdown_across_symbols_is_listed_once() -> None:
    # Two symbols on the same bar times (one real series under two names), far under the
    # peak: each symbol evaluates the drawdown, the plan lists it once.
    usd = SERIES["BTC/USD"]
    twins = {"BTC/USD": usd, "XBT/USD": attrs.evolve(usd, symbol="XBT/USD")}
    context = context_at(
        KERNEL, twins, 2000, cash=Decimal(50000), held=Decimal(0), with_order=False
    )
    plan = KERNEL.plan(attrs.evolve(context, peak_equity=Decimal(10_000_000)))
    drawdowns = [t for t in plan.threats if t.source == "max_drawdown"]
    assert len(drawdowns) == 1 and drawdowns[0].symbol is None
    assert {a.symbol for a in plan.assessments} == {"BTC/USD", "XBT/USD"}
