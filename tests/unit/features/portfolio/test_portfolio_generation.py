import itertools

import attrs
from portfolio_builders import D, action, position, state, view

from tradekernel.domain.enums import Side
from tradekernel.domain.portfolio import Correlation, MarketTrend
from tradekernel.features.portfolio import filters as filt
from tradekernel.features.portfolio import patterns as pat
from tradekernel.features.portfolio import sequences as seq

MARKS = {"BTC/USDT": "50000", "ETH/USDT": "2000", "SOL/USDT": "100", "ADA/USDT": "1"}
SELL_BTC = action("BTC/USDT", Side.SELL, "0.01", "50000", "profit_taking", "0.9")
SELL_ETH = action("ETH/USDT", Side.SELL, "1", "2000", "rebalance_sells", "0.4")
BUY_SOL = action("SOL/USDT", Side.BUY, "5", "100", "opportunity_buys", "0.8")
BUY_ADA = action("ADA/USDT", Side.BUY, "100", "1", "rebalance_buys", "0.3")
CANDIDATES = (SELL_BTC, SELL_ETH, BUY_SOL, BUY_ADA)
HELD = state(
    "1000", (position("BTC/USDT", "0.1", "30000"), position("ETH/USDT", "2", "2000")), MARKS
)


def test_mixed_pattern_pairs_one_or_two_sells_with_one_or_two_buys() -> None:
    sets = pat.mixed(CANDIDATES, view(HELD), 4)
    # 2x2 (1,1) + 2x1 (1,2) + 1x2 (2,1) + 1x1 (2,2) = 9
    assert len(sets) == 9
    assert all(1 <= sum(a.side is Side.SELL for a in s) <= 2 for s in sets)
    assert all(1 <= sum(a.side is Side.BUY for a in s) <= 2 for s in sets)


def test_profit_taking_reinvest_needs_a_profit_sell_and_reinvests_in_buys() -> None:
    sets = pat.profit_taking_reinvest(CANDIDATES, view(HELD), 4)
    assert sets == ((SELL_BTC, BUY_SOL), (SELL_BTC, BUY_SOL, BUY_ADA))
    assert pat.profit_taking_reinvest((BUY_SOL,), view(HELD), 4) == ()


def test_market_regime_buys_in_a_bull_market_and_sells_in_a_bear_market() -> None:
    regime = pat.MarketRegime(params=pat.NoParams())
    bull = regime.action_sets(CANDIDATES, view(attrs.evolve(HELD, trend=MarketTrend.BULL)), 4)
    bear = regime.action_sets(CANDIDATES, view(attrs.evolve(HELD, trend=MarketTrend.BEAR)), 4)
    assert bull == ((BUY_SOL, BUY_ADA),)
    assert bear == ((SELL_BTC, SELL_ETH),)


def test_single_best_picks_the_highest_priority_candidate() -> None:
    assert pat.single_best(CANDIDATES, view(HELD), 4) == ((SELL_BTC,),)


def test_combinatorial_generates_every_subset_up_to_the_limit_like_a_naive_count() -> None:
    generated = seq.Combinatorial(params=seq.CombinatorialParams(top_n=4)).generate(
        (), CANDIDATES, view(HELD), 3
    )
    naive = sum(1 for k in range(1, 4) for _ in itertools.combinations(CANDIDATES, k))
    assert len(generated) == naive == 14
    # Execution order inside every sequence: all sells before any buy.
    for s in generated:
        sides = [a.side for a in s.actions]
        assert sides == sorted(sides, key=lambda side: side is Side.BUY)


def test_diversity_combinatorial_takes_at_most_one_action_per_calculator() -> None:
    twin = action("ADA/USDT", Side.BUY, "10", "1", "opportunity_buys", "0.7")
    generated = seq.DiversityCombinatorial(params=seq.DiversityParams()).generate(
        (), (BUY_SOL, twin, SELL_BTC), view(HELD), 3
    )
    assert all(len({a.source for a in s.actions}) == len(s.actions) for s in generated)
    assert {s.key for s in generated} == {
        "sell:BTC/USDT:0.01|buy:SOL/USDT:5",
        "sell:BTC/USDT:0.01|buy:ADA/USDT:10",
    }


def test_partial_execution_scales_and_floors_each_quantity_to_the_step() -> None:
    odd = action("SOL/USDT", Side.BUY, "0.005", "100")
    generated = seq.PartialExecution(params=seq.PartialParams()).generate(
        (("p", (BUY_SOL, odd)),), (), view(HELD), 4
    )
    # 50 %: 2.5 SOL and 0.0025 -> 0.002; 75 %: 3.75 and 0.00375 -> 0.003 (step 0.001),
    # listed in canonical (content-key) order
    assert [[a.quantity for a in s.actions] for s in generated] == [
        [D("0.002"), D("2.5")],
        [D("0.003"), D("3.75")],
    ]
    assert [s.pattern for s in generated] == ["p@0.5", "p@0.75"]


def test_constraint_relaxation_produces_one_hypothetical_beyond_the_limit() -> None:
    generated = seq.ConstraintRelaxation(params=seq.RelaxationParams(extra_actions=1)).generate(
        (), CANDIDATES, view(HELD), 2
    )
    assert len(generated) == 1 and generated[0].hypothetical
    assert len(generated[0].actions) == 3


def test_correlation_filter_drops_buying_into_a_correlated_holding() -> None:
    st_ = state(
        "1000",
        (position("BTC/USDT", "0.1", "30000"),),
        MARKS,
        correlations=(Correlation(a="SOL/USDT", b="BTC/USDT", value=D("0.95")),),
    )
    f = filt.CorrelationAware(params=filt.CorrelationParams(max_correlation=D("0.85")))
    assert (
        f.reject(seq.make_sequence("p", "g", (BUY_SOL,)), view(st_))
        == "buys SOL/USDT correlated 0.95 with BTC/USDT"
    )
    # Selling the whole correlated exposure in the same sequence is fine.
    sell_all = action("BTC/USDT", Side.SELL, "0.1", "50000")
    assert f.reject(seq.make_sequence("p", "g", (sell_all, BUY_SOL)), view(st_)) is None


def test_eligibility_enforces_min_hold_cooldown_and_max_loss() -> None:
    young = position("BTC/USDT", "0.1", "30000", opened_ms=HELD.now_ms - 1000)
    crashed = position("ETH/USDT", "2", "5000")
    st_ = state("1000", (young, crashed), MARKS, last_trade_ms={"SOL/USDT": HELD.now_ms - 1000})
    f = filt.Eligibility(params=filt.EligibilityParams(max_loss=D("0.5")))
    v = view(st_)
    assert "min hold" in (f.reject(seq.make_sequence("p", "g", (SELL_BTC,)), v) or "")
    assert f.reject(seq.make_sequence("p", "g", (BUY_SOL,)), v) == "SOL/USDT in cooldown"
    buy_eth = action("ETH/USDT", Side.BUY, "1", "2000")
    assert (
        f.reject(seq.make_sequence("p", "g", (buy_eth,)), v)
        == "ETH/USDT loss 60.0% > max loss 50.0%"
    )
    assert f.reject(seq.make_sequence("p", "g", (BUY_ADA,)), v) is None


def test_recently_traded_filter_drops_either_side_within_the_window() -> None:
    st_ = state("1000", (), MARKS, last_trade_ms={"ADA/USDT": HELD.now_ms - 3_600_000})
    f = filt.RecentlyTraded(params=filt.RecentlyTradedParams(window_ms=2 * 3_600_000))
    assert (
        f.reject(seq.make_sequence("p", "g", (BUY_ADA,)), view(st_))
        == "ADA/USDT traded 3600000 ms ago"
    )
    assert f.reject(seq.make_sequence("p", "g", (BUY_SOL,)), view(st_)) is None


def test_diversity_filter_keeps_at_most_n_sequences_per_trade_signature() -> None:
    sizes = [
        seq.make_sequence(f"p{i}", "g", (action("SOL/USDT", Side.BUY, str(i), "100"),))
        for i in range(1, 6)
    ]
    kept = filt.Diversity(params=filt.DiversityFilterParams(max_per_signature=2)).thin(
        [*sizes, seq.make_sequence("q", "g", (BUY_ADA,))]
    )
    assert [s.pattern for s in kept] == ["p1", "p2", "q"]
