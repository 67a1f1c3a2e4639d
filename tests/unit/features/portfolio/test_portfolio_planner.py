from decimal import Decimal

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st
from portfolio_builders import D, position, state

from tradekernel.domain.enums import Side
from tradekernel.features.portfolio.factory import create_planner
from tradekernel.features.portfolio.planner import rank_key
from tradekernel.features.portfolio.presets import PRESETS

MARKS = {"BTC/USDT": "60000", "ETH/USDT": "2500", "SOL/USDT": "150", "ADA/USDT": "0.5"}
SCORES = {"SOL/USDT": D("0.9"), "ETH/USDT": D("0.7"), "ADA/USDT": D("0.75")}
TARGETS = {"BTC/USDT": D("0.4"), "ETH/USDT": D("0.3"), "SOL/USDT": D("0.2")}


def _state(cash: str = "2000") -> object:
    return state(
        cash,
        (position("BTC/USDT", "0.1", "40000"), position("ETH/USDT", "2", "3000")),
        MARKS,
        scores=SCORES,
        target_weights=TARGETS,
    )


def test_empty_account_plans_to_hold() -> None:
    plan = create_planner("core", PRESETS["default"]()).plan(state("0", (), MARKS))
    assert plan.best is not None and plan.best.sequence.pattern == "hold"
    assert plan.best.executed == () and plan.runners_up == ()


def test_runners_up_are_ranked_below_the_best_and_what_ifs_are_never_best() -> None:
    plan = create_planner("core", PRESETS["default"]()).plan(_state())
    assert plan.best is not None and not plan.best.sequence.hypothetical
    ranked = [plan.best, *plan.runners_up]
    assert ranked == sorted(ranked, key=rank_key)
    assert all(not r.sequence.hypothetical for r in plan.runners_up)
    assert all(
        h.sequence.hypothetical and h.score.total > plan.best.score.total
        for h in plan.hypotheticals
    )


def test_the_best_default_plan_rebalances_towards_targets() -> None:
    plan = create_planner("core", PRESETS["default"]()).plan(_state())
    assert plan.best is not None
    # BTC 6000/13000 = 46 % > 40 % + 5 %: trim; ETH 38 % > 35 %: trim; SOL 0 < 20 %: buy.
    assert {(a.side, a.symbol) for a in plan.best.executed} == {
        (Side.SELL, "BTC/USDT"),
        (Side.SELL, "ETH/USDT"),
        (Side.BUY, "SOL/USDT"),
    }


@settings(max_examples=25, deadline=None)
@given(
    cash=st.decimals(min_value=0, max_value=50000, places=2),
    btc=st.decimals(min_value=0, max_value=1, places=3),
    preset=st.sampled_from(sorted(PRESETS)),
)
def test_planning_is_deterministic_and_independent_of_mapping_order(
    cash: Decimal, btc: Decimal, preset: str
) -> None:
    base = state(
        str(cash),
        (position("BTC/USDT", str(btc), "50000"), position("ETH/USDT", "1", "2000")),
        MARKS,
        scores=SCORES,
        target_weights=TARGETS,
    )
    shuffled = attrs.evolve(
        base,
        marks=dict(reversed(list(base.marks.items()))),
        scores=dict(reversed(list(base.scores.items()))),
        rules=dict(reversed(list(base.rules.items()))),
        target_weights=dict(reversed(list(base.target_weights.items()))),
    )
    planner = create_planner("core", PRESETS[preset]())
    first = planner.plan(base)
    assert first == planner.plan(base)
    assert first == create_planner("core", PRESETS[preset]()).plan(shuffled)


def test_a_better_what_if_is_reported_and_executed_only_with_permission() -> None:
    # All cash, four targets but max_actions 2: the 3-buy what-if aligns better.
    targets = {"BTC/USDT": D("0.3"), "ETH/USDT": D("0.3"), "SOL/USDT": D("0.3")}
    st_ = state("10000", (), MARKS, target_weights=targets)
    base = PRESETS["default"]()
    narrow = attrs.evolve(base, search=attrs.evolve(base.search, max_actions=2))
    plan = create_planner("core", narrow).plan(st_)
    assert plan.best is not None and not plan.best.sequence.hypothetical
    assert plan.hypotheticals and plan.hypotheticals[0].score.total > plan.best.score.total
    assert len(plan.hypotheticals[0].executed) == 3
    permitted = attrs.evolve(narrow, search=attrs.evolve(narrow.search, allow_what_if=True))
    allowed = create_planner("core", permitted).plan(st_)
    assert allowed.best == plan.hypotheticals[0] and allowed.hypotheticals == ()
