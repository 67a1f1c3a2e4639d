"""The holistic allocator: from the planner's best sequence to accepted and refused directives."""

from decimal import Decimal

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from tradekernel.domain.account import Position
from tradekernel.domain.directives import SizeDirective, StrategyDirective
from tradekernel.domain.enums import DirectiveScope, OrderType, RoutingStyle, Side, SkipReason
from tradekernel.domain.holistic_allocation import HolisticAllocationSettings
from tradekernel.domain.market import SymbolRules
from tradekernel.domain.ports.plugins import AllocationResult
from tradekernel.domain.stage_inputs import AccountView
from tradekernel.domain.trade_plans import (
    EntryLayer,
    EntryPlan,
    ExecutionDirective,
    ExitPlan,
    RoutingPlan,
    RoutingSlice,
    SizePlan,
)
from tradekernel.features.portfolio import calculators as calc
from tradekernel.features.portfolio import patterns as pat
from tradekernel.features.portfolio import sequences as seq
from tradekernel.features.portfolio.factory import create_planner
from tradekernel.features.portfolio.presets import default
from tradekernel.features.portfolio.settings import (
    ModuleConfig,
    PlannerSettings,
    SimulationSettings,
)
from tradekernel.orchestration.holistic.allocator import HolisticAllocator
from tradekernel.orchestration.holistic.state import CycleMarket
from tradekernel.shared.quantize import floor_to_step

D = Decimal
NOW = 1_700_000_000_000
RULES = {
    "AAA/USDT": SymbolRules(
        symbol="AAA/USDT",
        base="AAA",
        quote="USDT",
        tick_size=D("0.01"),
        step_size=D("0.001"),
        min_qty=D("0.001"),
        min_notional=D("10"),
    ),
    "BBB/USDT": SymbolRules(
        symbol="BBB/USDT",
        base="BBB",
        quote="USDT",
        tick_size=D("0.01"),
        step_size=D("0.1"),
        min_qty=D("0.1"),
        min_notional=D("10"),
    ),
    "CCC/USDT": SymbolRules(
        symbol="CCC/USDT",
        base="CCC",
        quote="USDT",
        tick_size=D("0.0001"),
        step_size=D("1"),
        min_qty=D("1"),
        min_notional=D("10"),
    ),
}
MARKS = {"AAA/USDT": D("100"), "BBB/USDT": D("20"), "CCC/USDT": D("0.5")}
# Without targets holding cash scores best (alignment 1, no risk, no fees): targets make
# deploying cash worth it, as docs/portfolio-planner.md advises.
TARGETS = (("AAA/USDT", D("0.4")), ("BBB/USDT", D("0.4")), ("CCC/USDT", D("0.1")))


def targeted_default() -> PlannerSettings:
    return attrs.evolve(default(), target_source="config", target_weights=TARGETS)


def execution(
    symbol: str,
    quantity: str,
    *,
    side: Side = Side.BUY,
    scope: DirectiveScope = DirectiveScope.NEW_TRADE,
    confidence: str = "0.8",
    directive_id: str | None = None,
) -> ExecutionDirective:
    directive_id = directive_id or f"dir-{symbol}-{side.value}-{scope.value}"
    directive = StrategyDirective(
        directive_id=directive_id,
        source="test",
        symbol=symbol,
        ts_ms=NOW,
        side=side,
        scope=scope,
        confidence=D(confidence),
        size=SizeDirective(),
    )
    return ExecutionDirective(
        directive=directive,
        entry=EntryPlan(
            directive_id=directive_id,
            planner="market",
            layers=(EntryLayer(fraction=D(1), order_type=OrderType.MARKET),),
            reference_price=MARKS.get(symbol, D(0)),
        ),
        size=SizePlan(directive_id=directive_id, planner="explicit", quantity=D(quantity)),
        exit=ExitPlan(directive_id=directive_id, planner="none"),
        routing=RoutingPlan(
            directive_id=directive_id,
            planner="immediate",
            style=RoutingStyle.IMMEDIATE,
            slices=(RoutingSlice(fraction=D(1)),),
        ),
    )


def market(
    cash: str,
    positions: dict[str, tuple[str, str]] | None = None,
    marks: dict[str, D] | None = None,
) -> CycleMarket:
    held = {
        symbol: Position(symbol=symbol, quantity=D(qty), avg_entry_price=D(avg))
        for symbol, (qty, avg) in (positions or {}).items()
    }
    return CycleMarket(
        now_ms=NOW,
        marks=MARKS if marks is None else marks,
        rules=RULES,
        positions=held,
        free_cash=D(cash),
    )


def account(state: CycleMarket) -> AccountView:
    exposure = {s: p.quantity * state.marks[s] for s, p in sorted(state.positions.items())}
    equity = state.free_cash + sum(exposure.values(), D(0))
    return AccountView(
        quote_asset="USDT",
        cash=state.free_cash,
        equity=equity,
        peak_equity=equity,
        exposure=exposure,
        open_positions=len(exposure),
    )


def directives_only(reserve: str = "0") -> PlannerSettings:
    """Settings where only the directives are candidates (no calculator proposes a trade)."""
    return PlannerSettings(
        calculators=(
            ModuleConfig(
                name="opportunity_buys",
                params=calc.OpportunityBuysParams(min_score=D("1"), max_candidates=0),
            ),
        ),
        patterns=(
            ModuleConfig(name="direct_buy", params=pat.NoParams()),
            ModuleConfig(name="single_best", params=pat.NoParams()),
            ModuleConfig(name="cash_generation", params=pat.NoParams()),
        ),
        generators=(
            ModuleConfig(name="patterns", params=pat.NoParams()),
            ModuleConfig(name="combinatorial", params=seq.CombinatorialParams()),
        ),
        simulation=SimulationSettings(cash_reserve=D(reserve)),
        target_weights=TARGETS,
    )


def allocator(
    planner: PlannerSettings | None = None, *, accept_closes: bool = True
) -> HolisticAllocator:
    chosen = planner or directives_only()
    return HolisticAllocator(
        create_planner("test", chosen),
        HolisticAllocationSettings(planner=chosen, accept_closes=accept_closes),
    )


def allocate(
    holistic: HolisticAllocator, state: CycleMarket, items: list[ExecutionDirective]
) -> AllocationResult:
    return holistic.bound(state).allocate(items, account(state), ())


def test_a_buy_directive_is_accepted_at_the_simulated_quantity_floored_to_the_step() -> None:
    state = market("1000")
    result = allocate(allocator(), state, [execution("AAA/USDT", "1.23456")])
    assert result.rejected == ()
    (accepted,) = result.accepted
    assert accepted.size.quantity == D("1.234") == floor_to_step(D("1.23456"), D("0.001"))
    assert "holistic:" in accepted.size.rationale and "was 1.23456" in accepted.size.rationale
    # Everything but the size is the directive's own plan.
    original = execution("AAA/USDT", "1.23456")
    assert accepted.entry == original.entry and accepted.routing == original.routing


def test_a_directive_below_min_notional_is_refused_with_the_min_notional_code() -> None:
    # 0.3 BBB at 20 is a notional of 6 < 10: every sequence carrying it is invalid.
    result = allocate(allocator(), market("1000"), [execution("BBB/USDT", "0.3")])
    assert result.accepted == ()
    (rejection,) = result.rejected
    assert rejection.reason is SkipReason.MIN_NOTIONAL
    assert "notional 6.00 < min notional 10" in rejection.detail


def test_buys_that_need_unsettled_sale_proceeds_are_refused_as_insufficient_balance() -> None:
    # The accepted close's proceeds pay for the BBB buy in the simulation, but only 50
    # is free now: the buy must wait until the sale settles.
    state = market("50", positions={"AAA/USDT": ("5", "100")})
    close = execution("AAA/USDT", "5", side=Side.SELL, scope=DirectiveScope.CLOSE_EXISTING)
    buy = execution("BBB/USDT", "20")  # 400 of notional
    result = allocate(allocator(), state, [buy, close])
    assert result.accepted == (close,)
    (rejection,) = result.rejected
    assert rejection.directive_id == buy.directive_id
    assert rejection.reason is SkipReason.INSUFFICIENT_BALANCE
    assert "before sales settle" in rejection.detail


def test_accepted_sells_come_before_buys_and_fit_the_free_cash() -> None:
    # AAA is half of the equity against a 40 % target: trimming it is worth its fees.
    state = market("1000", positions={"AAA/USDT": ("10", "100")})
    items = [
        execution("BBB/USDT", "10", confidence="0.9"),
        execution("AAA/USDT", "2", side=Side.SELL, confidence="0.7"),
        execution("CCC/USDT", "100", confidence="0.6"),
    ]
    result = allocate(allocator(), state, items)
    sides = [a.directive.side for a in result.accepted]
    assert sides == [Side.SELL, Side.BUY, Side.BUY]  # sells first
    assert len(result.accepted) + len(result.rejected) == len(items)
    spent = sum(
        (
            a.size.quantity * MARKS[a.directive.symbol] * D("1.001")
            for a in result.accepted
            if a.directive.side is Side.BUY
        ),
        D(0),
    )
    assert spent <= state.free_cash


def test_when_cash_fits_one_buy_the_other_is_refused_with_the_scores_that_beat_it() -> None:
    state = market("500")
    items = [
        execution("AAA/USDT", "4", confidence="0.9"),  # 400
        execution("BBB/USDT", "20", confidence="0.5"),  # 400
    ]
    result = allocate(allocator(), state, items)
    assert len(result.accepted) == 1
    (rejection,) = result.rejected
    assert rejection.reason is SkipReason.PORTFOLIO_PLAN
    assert rejection.detail.startswith("holistic: plan chose")
    assert {rejection.directive_id, result.accepted[0].directive_id} == {
        i.directive_id for i in items
    }


def test_closes_and_stop_modifications_are_accepted_unchanged_before_the_planner_runs() -> None:
    state = market("1000", positions={"AAA/USDT": ("5", "100")})
    close = execution("AAA/USDT", "5", side=Side.SELL, scope=DirectiveScope.CLOSE_EXISTING)
    modify = execution("AAA/USDT", "5", side=Side.SELL, scope=DirectiveScope.MODIFY_EXISTING)
    buy = execution("BBB/USDT", "10")
    result = allocate(allocator(), state, [buy, modify, close])
    assert result.accepted[:2] == (close, modify)
    assert [a.directive_id for a in result.accepted[2:]] == [buy.directive_id]


def test_with_accept_closes_off_the_planner_may_refuse_a_close_that_scores_below_hold() -> None:
    # A cost-only score: hold (no fees) beats selling, so the close is refused.
    planner = attrs.evolve(
        directives_only(),
        evaluation=attrs.evolve(
            default().evaluation,
            alignment_weight=D(0),
            diversification_weight=D(0),
            risk_weight=D(0),
            cost_weight=D(1),
        ),
    )
    state = market("1000", positions={"AAA/USDT": ("5", "100")})
    close = execution("AAA/USDT", "5", side=Side.SELL, scope=DirectiveScope.CLOSE_EXISTING)
    result = allocate(allocator(planner, accept_closes=False), state, [close])
    assert result.accepted == ()
    assert result.rejected[0].reason is SkipReason.PORTFOLIO_PLAN


def test_directives_without_a_mark_or_rules_or_holding_are_refused_with_their_codes() -> None:
    marks = {**MARKS, "ZZZ/USDT": D("3")}
    state = attrs.evolve(market("1000"), marks={k: v for k, v in marks.items() if k != "CCC/USDT"})
    items = [
        execution("CCC/USDT", "100"),
        execution("ZZZ/USDT", "10"),
        execution("AAA/USDT", "1", side=Side.SELL),
    ]
    result = allocate(allocator(), state, items)
    reasons = {r.directive_id: r.reason for r in result.rejected}
    assert reasons == {
        items[0].directive_id: SkipReason.MISSING_MARK_PRICE,
        items[1].directive_id: SkipReason.RULES_UNAVAILABLE,
        items[2].directive_id: SkipReason.NOTHING_TO_CLOSE,
    }


def test_a_second_directive_for_the_same_symbol_and_side_is_refused() -> None:
    first = execution("AAA/USDT", "1", confidence="0.9", directive_id="dir-a")
    second = execution("AAA/USDT", "2", confidence="0.4", directive_id="dir-b")
    result = allocate(allocator(), market("1000"), [second, first])
    assert [a.directive_id for a in result.accepted] == ["dir-a"]
    assert result.rejected[0].directive_id == "dir-b"
    assert "dir-a already plans buy AAA/USDT" in result.rejected[0].detail


def test_an_unbound_allocator_refuses_every_directive_instead_of_guessing_marks() -> None:
    items = [execution("AAA/USDT", "1")]
    result = allocator().allocate(items, account(market("1000")), ())
    assert result.accepted == ()
    assert result.rejected[0].reason is SkipReason.RULES_UNAVAILABLE


def test_with_the_default_preset_the_planner_sizes_buys_and_keeps_its_cash_reserve() -> None:
    state = market("1000")
    items = [execution("AAA/USDT", "9", confidence="0.9"), execution("BBB/USDT", "40")]
    result = allocate(allocator(targeted_default()), state, items)
    assert result.accepted  # the targets make buying worth more than holding cash
    spent = sum(
        (a.size.quantity * MARKS[a.directive.symbol] * D("1.001") for a in result.accepted),
        D(0),
    )
    # The default preset keeps 5 % of equity (1000) as a reserve.
    assert spent <= D("950")
    for item in result.accepted:
        rules = RULES[item.directive.symbol]
        assert item.size.quantity == floor_to_step(item.size.quantity, rules.step_size)
        assert item.size.quantity * MARKS[item.directive.symbol] >= rules.min_notional


_ITEMS = [
    execution("AAA/USDT", "3", confidence="0.9"),
    execution("BBB/USDT", "15", confidence="0.7"),
    execution("CCC/USDT", "700", confidence="0.6"),
    execution("AAA/USDT", "2", side=Side.SELL, confidence="0.5", directive_id="dir-sell-a"),
    execution(
        "BBB/USDT", "5", side=Side.SELL, scope=DirectiveScope.CLOSE_EXISTING, confidence="0.4"
    ),
]


@settings(max_examples=40, deadline=None)
@given(
    order=st.permutations(range(len(_ITEMS))),
    cash=st.sampled_from(["60", "300", "900", "5000"]),
    held=st.sampled_from(["0", "1", "4"]),
)
def test_the_allocation_does_not_depend_on_directive_order_and_repeats_exactly(
    order: list[int], cash: str, held: str
) -> None:
    positions = {"BBB/USDT": ("5", "18")}
    if held != "0":
        positions["AAA/USDT"] = (held, "90")
    state = market(cash, positions=positions)
    holistic = allocator(targeted_default())
    baseline = allocate(holistic, state, _ITEMS)
    shuffled = allocate(holistic, state, [_ITEMS[i] for i in order])
    assert shuffled == baseline
    assert allocate(holistic, state, _ITEMS) == baseline
    decided = [a.directive_id for a in baseline.accepted] + [
        r.directive_id for r in baseline.rejected
    ]
    assert sorted(decided) == sorted(i.directive_id for i in _ITEMS)
