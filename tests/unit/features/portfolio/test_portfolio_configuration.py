import attrs
import pytest
from portfolio_builders import D

from tradekernel.domain.errors import ConfigError
from tradekernel.features.portfolio import calculators as calc
from tradekernel.features.portfolio import registry
from tradekernel.features.portfolio.factory import create_planner
from tradekernel.features.portfolio.presets import PRESETS
from tradekernel.features.portfolio.settings import ModuleConfig, Sliders
from tradekernel.features.portfolio.sliders import apply_sliders
from tradekernel.features.portfolio.validator import validate

PREFIX = "portfolio.buckets.core"


def _calculator(settings, name):  # type: ignore[no-untyped-def]
    return next(m.params for m in settings.calculators if m.name == name)


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_preset_is_valid_and_builds_a_planner(name: str) -> None:
    planner = create_planner("core", PRESETS[name]())
    assert len(planner.calculators) == 6 and planner.generators


def test_rebalance_buys_without_target_weights_names_the_module_path() -> None:
    settings = attrs.evolve(PRESETS["default"](), target_source="config")
    with pytest.raises(ConfigError) as error:
        validate(settings, PREFIX)
    assert error.value.path == f"{PREFIX}.modules.calculators.rebalance_sells"
    assert "needs target weights" in error.value.message


def test_config_target_weights_satisfy_the_rebalance_dependency() -> None:
    settings = attrs.evolve(
        PRESETS["default"](), target_source="config", target_weights=(("BTC/USDT", D("0.5")),)
    )
    assert validate(settings, PREFIX) is settings


def test_pattern_without_its_calculator_is_refused() -> None:
    base = PRESETS["default"]()
    settings = attrs.evolve(
        base, calculators=tuple(m for m in base.calculators if m.name != "profit_taking")
    )
    with pytest.raises(ConfigError) as error:
        validate(settings, PREFIX)
    assert error.value.path == f"{PREFIX}.modules.patterns.profit_taking_reinvest"
    assert error.value.message == "pattern profit_taking_reinvest needs calculator profit_taking"


def test_out_of_range_parameter_names_its_field() -> None:
    base = PRESETS["default"]()
    bad = ModuleConfig(
        name="opportunity_buys", params=calc.OpportunityBuysParams(min_score=D("1.5"))
    )
    settings = attrs.evolve(
        base, calculators=(*[m for m in base.calculators if m.name != "opportunity_buys"], bad)
    )
    with pytest.raises(ConfigError) as error:
        validate(settings, PREFIX)
    assert error.value.path == f"{PREFIX}.modules.calculators.opportunity_buys.min_score"


def test_min_loss_above_max_loss_is_refused() -> None:
    base = PRESETS["default"]()
    bad = ModuleConfig(
        name="averaging_down", params=calc.AveragingDownParams(min_loss=D("0.4"), max_loss=D("0.2"))
    )
    settings = attrs.evolve(
        base, calculators=(*[m for m in base.calculators if m.name != "averaging_down"], bad)
    )
    with pytest.raises(ConfigError, match=r"min_loss 0\.4 exceeds max_loss 0\.2"):
        validate(settings, PREFIX)


def test_unknown_module_and_stress_without_runs_are_refused() -> None:
    base = PRESETS["default"]()
    with pytest.raises(ConfigError) as error:
        validate(attrs.evolve(base, filters=(ModuleConfig(name="nope", params=None),)), PREFIX)
    assert error.value.path == f"{PREFIX}.modules.filters.nope"
    with pytest.raises(ConfigError) as error:
        validate(
            attrs.evolve(base, evaluation=attrs.evolve(base.evaluation, stress_weight=D("0.1"))),
            PREFIX,
        )
    assert error.value.path == f"{PREFIX}.evaluation.monte_carlo_runs"


def test_sliders_map_to_technical_parameters() -> None:
    base = PRESETS["default"]()
    tuned = apply_sliders(
        base, Sliders(risk_appetite=D("1"), turnover=D("0"), cash_reserve=D("0.5"))
    )
    assert _calculator(tuned, "profit_taking").gain_threshold == D("0.60")
    assert _calculator(tuned, "averaging_down").max_loss == D("0.4")
    assert _calculator(tuned, "opportunity_buys").min_score == D("0.6")
    assert _calculator(tuned, "rebalance_buys").drift == D("0.10")
    assert tuned.simulation.cash_reserve == D("0.15")
    assert tuned.search.max_actions == 2
    assert tuned.evaluation.risk_weight == base.evaluation.risk_weight * D("0.5")
    assert tuned.evaluation.cost_weight == base.evaluation.cost_weight * D("1.5")
    middle = apply_sliders(base, Sliders())
    assert middle.evaluation.risk_weight == base.evaluation.risk_weight


def test_slider_outside_unit_range_names_its_path() -> None:
    with pytest.raises(ConfigError) as error:
        apply_sliders(PRESETS["default"](), Sliders(turnover=D("1.2")), f"{PREFIX}.sliders")
    assert error.value.path == f"{PREFIX}.sliders.turnover"


@attrs.frozen(kw_only=True)
class _AlwaysBuyParams:
    symbol: str = "ADA/USDT"


@attrs.frozen(kw_only=True)
class _AlwaysBuy:
    params: _AlwaysBuyParams
    name: str = "always_buy"

    def candidates(self, view):  # type: ignore[no-untyped-def]
        from tradekernel.domain.enums import Side

        action = view.action(self.params.symbol, Side.BUY, D("100"), self.name, D("1"), "test")
        return (action,) if action else ()


def test_a_new_calculator_is_added_through_the_registry_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from portfolio_builders import state

    spec = registry.ModuleSpec(
        kind=registry.ModuleKind.CALCULATOR,
        name="always_buy",
        params=_AlwaysBuyParams,
        factory=lambda p: _AlwaysBuy(params=p),
    )
    monkeypatch.setitem(registry.REGISTRY[registry.ModuleKind.CALCULATOR], "always_buy", spec)
    base = PRESETS["default"]()
    settings = attrs.evolve(
        base,
        calculators=(ModuleConfig(name="always_buy", params=_AlwaysBuyParams()),),
        patterns=tuple(m for m in base.patterns if m.name in {"single_best", "direct_buy"}),
    )
    # A 10 % target makes the buy worth more than holding (alignment 1 vs 0.9).
    st_ = state("1000", (), {"ADA/USDT": "1"}, target_weights={"ADA/USDT": D("0.1")})
    plan = create_planner("core", settings).plan(st_)
    assert plan.best is not None
    assert [(a.symbol, a.source) for a in plan.best.executed] == [("ADA/USDT", "always_buy")]
