from portfolio_builders import D, position, state, view

from tradekernel.domain.enums import Side
from tradekernel.features.portfolio import calculators as calc

MARKS = {"BTC/USDT": "60000", "ETH/USDT": "1500", "SOL/USDT": "100", "ADA/USDT": "1"}


def test_profit_taking_sells_the_fraction_of_positions_above_the_gain_threshold() -> None:
    st_ = state(
        "0", (position("BTC/USDT", "0.1", "40000"), position("ETH/USDT", "1", "1400")), MARKS
    )
    found = calc.ProfitTaking(
        params=calc.ProfitTakingParams(gain_threshold=D("0.3"), sell_fraction=D("0.5"))
    ).candidates(view(st_))
    # BTC is up 50 % (sold half: 0.05); ETH is up 7.1 %, below the threshold.
    assert [(a.symbol, a.side, a.quantity) for a in found] == [("BTC/USDT", Side.SELL, D("0.05"))]
    assert found[0].priority == D("0.5")


def test_averaging_down_buys_quality_dips_only_within_the_loss_band() -> None:
    positions = (
        position("ETH/USDT", "2", "2000"),
        position("SOL/USDT", "10", "200"),
        position("ADA/USDT", "100", "1.05"),
    )
    st_ = state(
        "10000",
        positions,
        MARKS,
        scores={"ETH/USDT": D("0.8"), "SOL/USDT": D("0.9"), "ADA/USDT": D("0.9")},
    )
    params = calc.AveragingDownParams(
        min_loss=D("0.1"), max_loss=D("0.3"), min_quality=D("0.6"), buy_fraction=D("0.5")
    )
    found = calc.AveragingDown(params=params).candidates(view(st_))
    # ETH down 25 % (buy half its value 1500 -> 1 ETH); SOL down 50 % (beyond max loss);
    # ADA down 4.8 % (not a dip yet).
    assert [(a.symbol, a.quantity) for a in found] == [("ETH/USDT", D("1"))]


def test_opportunity_buys_take_best_scores_not_held_at_position_size_of_equity() -> None:
    st_ = state(
        "1000",
        (position("SOL/USDT", "10", "100"),),
        MARKS,
        scores={
            "SOL/USDT": D("0.99"),
            "ETH/USDT": D("0.8"),
            "ADA/USDT": D("0.9"),
            "BTC/USDT": D("0.5"),
        },
    )
    params = calc.OpportunityBuysParams(
        min_score=D("0.7"), position_size=D("0.1"), max_candidates=1
    )
    found = calc.OpportunityBuys(params=params).candidates(view(st_))
    # equity 2000, 10 % = 200 USDT; SOL is held, ADA (0.9) beats ETH (0.8).
    assert [(a.symbol, a.quantity, a.priority) for a in found] == [("ADA/USDT", D("200"), D("0.9"))]


def test_rebalance_sells_and_buys_move_drifted_weights_back_to_target() -> None:
    st_ = state(
        "1000", (position("SOL/USDT", "80", "100"), position("ADA/USDT", "1000", "1")), MARKS
    )
    v = view(st_, {"SOL/USDT": "0.5", "ADA/USDT": "0.4"})
    # equity 10000: SOL 80 %, ADA 10 %.
    sells = calc.RebalanceSells(params=calc.RebalanceParams(drift=D("0.05"))).candidates(v)
    buys = calc.RebalanceBuys(params=calc.RebalanceParams(drift=D("0.05"))).candidates(v)
    assert [(a.symbol, a.quantity) for a in sells] == [("SOL/USDT", D("30"))]
    assert [(a.symbol, a.quantity) for a in buys] == [("ADA/USDT", D("3000"))]


def test_rebalance_ignores_drift_within_the_band_and_untargeted_holdings() -> None:
    # equity 3300 + 5200 + 1500 = 10000: SOL at 52 % is within 50 % +- 5 %; ETH has no target.
    st_ = state(
        "3300", (position("SOL/USDT", "52", "100"), position("ETH/USDT", "1", "1500")), MARKS
    )
    v = view(st_, {"SOL/USDT": "0.5"})
    assert calc.RebalanceSells(params=calc.RebalanceParams(drift=D("0.05"))).candidates(v) == ()


def test_target_weight_moves_both_sides_beyond_the_tolerance() -> None:
    st_ = state("5000", (position("SOL/USDT", "50", "100"),), MARKS)
    v = view(st_, {"SOL/USDT": "0.2", "ETH/USDT": "0.3", "ADA/USDT": "0.005"})
    found = calc.TargetWeight(params=calc.TargetWeightParams(tolerance=D("0.01"))).candidates(v)
    # equity 10000: SOL 50 % -> 20 % sells 30; ETH 0 -> 30 % buys 2; ADA within tolerance.
    assert sorted((a.symbol, a.side, a.quantity) for a in found) == [
        ("ETH/USDT", Side.BUY, D("2")),
        ("SOL/USDT", Side.SELL, D("30")),
    ]
