import attrs
from portfolio_builders import D, position, state, view

from tradekernel.features.portfolio.evaluation import evaluate
from tradekernel.features.portfolio.settings import EvaluationSettings
from tradekernel.features.portfolio.simulation import SimulationOutcome

MARKS = {"BTC/USDT": "100", "ETH/USDT": "50"}


def _outcome(cash: str, quantities: dict[str, str], fees: str = "0") -> SimulationOutcome:
    return SimulationOutcome(
        valid=True,
        cash=D(cash),
        quantities={s: D(q) for s, q in quantities.items()},
        fees=D(fees),
        executed=(),
    )


def test_components_match_hand_computed_values() -> None:
    st_ = state("1000", (), MARKS, volatility={"BTC/USDT": D("0.5"), "ETH/USDT": D("1")})
    v = view(st_, {"BTC/USDT": "0.5", "ETH/USDT": "0.3"})
    # End state: 400 cash, BTC 400 (40 %), ETH 200 (20 %) of 1000; fees 2.
    score = evaluate(
        _outcome("400", {"BTC/USDT": "4", "ETH/USDT": "4"}, "2"), v, EvaluationSettings()
    )
    values = {c.name: c.value for c in score.components}
    # alignment: 1 - (|.4-.5| + |.2-.3| + |.4-.2|) / 2 = 0.8
    assert values["alignment"] == D("0.800000")
    # diversification: 1 - ((2/3)^2 + (1/3)^2) = 4/9
    assert values["diversification"] == D("0.444444")
    # cost: 1 - 2 / 1000 * 100 = 0.8
    assert values["cost"] == D("0.800000")
    # risk: 1 - (0.4 * 0.5 + 0.2 * 1) = 0.6
    assert values["risk"] == D("0.600000")
    assert "stress" not in values
    expected = (
        D("0.4") * D("0.8") + D("0.2") * D("0.444444") + D("0.2") * D("0.8") + D("0.2") * D("0.6")
    )
    assert score.total == expected.quantize(D("0.000001"))


def test_no_targets_gives_a_neutral_alignment() -> None:
    st_ = state("1000", (position("BTC/USDT", "1", "100"),), MARKS)
    score = evaluate(_outcome("1000", {"BTC/USDT": "1"}), view(st_), EvaluationSettings())
    assert {c.name: c.value for c in score.components}["alignment"] == D("1.000000")


def test_monte_carlo_stress_is_reproducible_with_the_seed_and_changes_with_it() -> None:
    st_ = state("500", (), MARKS)
    outcome = _outcome("500", {"BTC/USDT": "5"})
    mc = EvaluationSettings(stress_weight=D("0.5"), monte_carlo_runs=500, seed=3)

    def stress(settings: EvaluationSettings) -> D:
        return {c.name: c.value for c in evaluate(outcome, view(st_), settings).components}[
            "stress"
        ]

    assert stress(mc) == stress(mc)
    assert stress(mc) != stress(attrs.evolve(mc, seed=4))
    # Half the equity at 60 % volatility: the worst decile loses roughly 0.5 * 0.55.
    assert D("0.6") < stress(mc) < D("0.85")
