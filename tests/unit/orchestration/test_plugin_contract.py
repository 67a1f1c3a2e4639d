"""The plugin contract is checked once, when a blueprint's kernel is built.

A plugin that lacks a member of its stage protocol, or implements an optional capability
wrongly (a string activity, a mask that cannot be called as `(bars, features)`, half of
`ScoresRows`), is a ConfigError naming the plugin's type and key path.
"""

import tomllib
from collections.abc import Callable, Mapping, Sequence

import attrs
import numpy as np
import pytest

from tradekernel.adapters.config.blueprint_loader import parse_blueprint
from tradekernel.domain.directives import StrategyDirective
from tradekernel.domain.enums import PluginKind
from tradekernel.domain.errors import ConfigError
from tradekernel.domain.plugin_spec import PluginSpec
from tradekernel.domain.ports.plugins import PlannerActivity, ThreatScope
from tradekernel.domain.signals import ContextAssessment, FeatureSnapshot, ThreatSignal
from tradekernel.domain.stage_inputs import AccountView, StrategyInputs
from tradekernel.orchestration.factory.kernel_factory import build_kernel
from tradekernel.orchestration.kernel.activity import planner_activity, threat_scope
from tradekernel.orchestration.kernel.plugin_catalog import build_catalog, builtin_specs
from tradekernel.orchestration.kernel.plugin_contract import (
    STRATEGY,
    CapabilityError,
    candidate_mask_of,
    conforming,
    row_scorer,
)
from tradekernel.shared.bars import BarSeries, FloatArray
from tradekernel.shared.candidates import BoolArray


@attrs.frozen(kw_only=True)
class NoParams:
    """No parameters."""


class Planner:
    """A planner that never directs anything, with a declared activity."""

    name = "quiet"
    activity: object = PlannerActivity.SIGNALS

    def plan(self, inputs: StrategyInputs) -> Sequence[StrategyDirective]:
        return ()


class StringActivity(Planner):
    activity = "signals"  # the pre-Protocol declaration: refused, not silently "always"


class NoPlan:
    name = "no_plan"


class MaskWithoutFeatures(Planner):
    def candidate_mask(self, bars: BarSeries) -> BoolArray:
        return np.ones(len(bars), dtype=np.bool_)


class MaskNotCallable(Planner):
    candidate_mask = True


class Masked(Planner):
    def candidate_mask(self, bars: BarSeries, features: Mapping[str, FloatArray]) -> BoolArray:
        return np.ones(len(bars), dtype=np.bool_)


class StringScope:
    name = "string_scope"
    scope = "holding"

    def evaluate(
        self, snapshot: FeatureSnapshot, assessment: ContextAssessment, account: AccountView
    ) -> ThreatSignal | None:
        return None


class HalfScorer:
    """An aggregator with `score_rows` but no `assess_row`."""

    def assess(self, snapshot: FeatureSnapshot, assessment_id: str) -> ContextAssessment:
        raise NotImplementedError

    def score_rows(self, bars: BarSeries, features: Mapping[str, FloatArray]) -> None:
        return None


def _spec(kind: PluginKind, name: str, build: Callable[[], object]) -> PluginSpec:
    return PluginSpec(kind=kind, name=name, params=NoParams, factory=lambda _params: build())


TEST_SPECS = (
    _spec(PluginKind.STRATEGY, "quiet", Planner),
    _spec(PluginKind.STRATEGY, "string_activity", StringActivity),
    _spec(PluginKind.STRATEGY, "no_plan", NoPlan),
    _spec(PluginKind.STRATEGY, "mask_without_features", MaskWithoutFeatures),
    _spec(PluginKind.STRATEGY, "mask_not_callable", MaskNotCallable),
    _spec(PluginKind.THREAT, "string_scope", StringScope),
    _spec(PluginKind.CONTEXT_AGGREGATOR, "half_scorer", HalfScorer),
)
CATALOG = build_catalog(builtin_specs(), TEST_SPECS)

BLUEPRINT = """
[blueprint]
name = "contract"

[universe]
symbols = ["BTC/USD"]

[account]
quote_asset = "USD"
starting_cash = "1000"

[[symbols]]
symbol = "BTC/USD"
tick_size = "0.01"
step_size = "0.0001"
min_notional = "1"

[[strategy.planners]]
type = "quiet"
"""


def _build(extra: str) -> None:
    settings = parse_blueprint(tomllib.loads(BLUEPRINT + extra), CATALOG, file="contract.toml")
    build_kernel(settings, CATALOG)


def test_a_well_declared_planner_loads_and_its_activity_is_read_typed() -> None:
    settings = parse_blueprint(tomllib.loads(BLUEPRINT), CATALOG, file="contract.toml")
    kernel = build_kernel(settings, CATALOG)
    assert [planner_activity(p) for p in kernel.spec.strategies] == [PlannerActivity.SIGNALS]


@pytest.mark.parametrize(
    ("extra", "path", "words"),
    [
        (
            '[[strategy.planners]]\ntype = "string_activity"\n',
            "strategy.planners[1]",
            ["strategy plugin 'string_activity'", "DeclaresActivity", "'signals' (str)"],
        ),
        (
            '[[strategy.planners]]\ntype = "no_plan"\n',
            "strategy.planners[1]",
            ["strategy plugin 'no_plan'", "does not implement StrategyPlanner: missing plan"],
        ),
        (
            '[[strategy.planners]]\ntype = "mask_without_features"\n',
            "strategy.planners[1]",
            ["'mask_without_features'", "CandidateMask", "candidate_mask(bars, features)"],
        ),
        (
            '[[strategy.planners]]\ntype = "mask_not_callable"\n',
            "strategy.planners[1]",
            ["'mask_not_callable'", "CandidateMask", "not a method"],
        ),
        (
            '[[signals.threats]]\ntype = "string_scope"\n',
            "signals.threats[0]",
            ["threat plugin 'string_scope'", "DeclaresThreatScope", "ThreatScope.HOLDING"],
        ),
        (
            '[context.aggregator]\ntype = "half_scorer"\n',
            "context.aggregator",
            ["'half_scorer' (HalfScorer)", "ScoresRows", "score_rows but not assess_row"],
        ),
    ],
)
def test_a_wrong_capability_is_a_config_error_naming_type_and_key_path(
    extra: str, path: str, words: list[str]
) -> None:
    with pytest.raises(ConfigError) as raised:
        _build(extra)
    assert raised.value.path == path
    for word in words:
        assert word in raised.value.message


def test_conforming_returns_the_plugin_and_refuses_a_missing_member() -> None:
    planner = Masked()
    assert conforming(STRATEGY, planner) is planner
    with pytest.raises(CapabilityError, match="missing plan"):
        conforming(STRATEGY, NoPlan())


def test_resolvers_read_declarations_and_default_for_undeclared_plugins() -> None:
    assert planner_activity(Masked()) is PlannerActivity.ALWAYS  # a schedule is always called
    assert planner_activity(NoPlan()) is PlannerActivity.ALWAYS
    assert candidate_mask_of(Masked()) is not None
    assert candidate_mask_of(Planner()) is None
    assert threat_scope(StringScope()) is ThreatScope.BAR  # never loaded; read as undeclared
    assert not row_scorer(HalfScorer())
