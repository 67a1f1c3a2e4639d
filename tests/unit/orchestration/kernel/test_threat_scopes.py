"""Threat scopes narrow the kernel's calls and change no plan.

The same threat workers wrapped in shells without a `scope` are called for every symbol;
both kernels must plan byte-identically on real data, flat and exposed, and the shells
show how many calls the declarations save.
"""

import tomllib
from decimal import Decimal

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kernel_fixtures import CATALOG, RICH_BLUEPRINT, context_at, real_series

from tradekernel.adapters.config.blueprint_loader import parse_blueprint
from tradekernel.domain.ports.plugins import ThreatScope
from tradekernel.domain.signals import ContextAssessment, FeatureSnapshot, ThreatSignal
from tradekernel.domain.stage_inputs import AccountView
from tradekernel.orchestration.factory.kernel_factory import build_kernel
from tradekernel.orchestration.kernel.activity import ACCOUNT, BAR, HOLDING, threat_scope
from tradekernel.orchestration.kernel.planning_kernel import PlanningKernel
from tradekernel.orchestration.records.canonical import canonical_json

WITH_EXPOSURE = (
    RICH_BLUEPRINT
    + """
[[signals.threats]]
type = "exposure_concentration"
cap = "0.0001"
"""
)
DECLARED = build_kernel(
    parse_blueprint(tomllib.loads(WITH_EXPOSURE), CATALOG, file="scopes.toml"), CATALOG
)


class Unscoped:
    """A threat worker without its scope declaration: called for every symbol."""

    def __init__(self, inner: object) -> None:
        self._inner = inner
        self.calls = 0

    @property
    def name(self) -> str:
        return self._inner.name  # type: ignore[attr-defined,no-any-return]

    def evaluate(
        self, snapshot: FeatureSnapshot, assessment: ContextAssessment, account: AccountView
    ) -> ThreatSignal | None:
        self.calls += 1
        return self._inner.evaluate(snapshot, assessment, account)  # type: ignore[attr-defined,no-any-return]


class Scoped(Unscoped):
    """A counting shell that keeps the wrapped worker's scope."""

    @property
    def scope(self) -> ThreatScope:
        return threat_scope(self._inner)


SHELLS = tuple(Unscoped(worker) for worker in DECLARED.spec.threats)
UNSCOPED = PlanningKernel(attrs.evolve(DECLARED.spec, threats=SHELLS))
COUNTED = tuple(Scoped(worker) for worker in DECLARED.spec.threats)
SCOPED = PlanningKernel(attrs.evolve(DECLARED.spec, threats=COUNTED))
SERIES = real_series(DECLARED)
# Both symbols on the same bars, so one account-scoped call can serve two symbols.
TWINS = {
    "BTC/USD": SERIES["BTC/USD"],
    "XBT/USD": attrs.evolve(SERIES["BTC/USD"], symbol="XBT/USD"),
}


def test_the_built_in_threats_declare_their_scopes() -> None:
    scopes = {worker.name: threat_scope(worker) for worker in DECLARED.spec.threats}
    assert scopes == {"max_drawdown": ACCOUNT, "exposure_concentration": HOLDING}
    assert {threat_scope(shell) for shell in SHELLS} == {BAR}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    index=st.integers(min_value=0, max_value=2999),
    held=st.sampled_from([Decimal(0), Decimal("0.0173"), Decimal("0.6")]),
    with_order=st.booleans(),
    twins=st.booleans(),
)
def test_scopes_change_no_plan(index: int, held: Decimal, with_order: bool, twins: bool) -> None:
    series = TWINS if twins else SERIES
    context = context_at(
        DECLARED, series, index, cash=Decimal(50000), held=held, with_order=with_order
    )
    assert canonical_json(DECLARED.plan(context)) == canonical_json(UNSCOPED.plan(context))


def test_a_stretch_in_drawdown_with_a_holding_plans_the_same_and_calls_less() -> None:
    for shell in (*SHELLS, *COUNTED):
        shell.calls = 0
    threats = 0
    for index in range(1500, 1700):
        context = context_at(
            DECLARED, TWINS, index, cash=Decimal(50000), held=Decimal("0.6"), with_order=False
        )
        deep = attrs.evolve(context, peak_equity=Decimal(1_000_000))
        plan = SCOPED.plan(deep)
        assert canonical_json(plan) == canonical_json(UNSCOPED.plan(deep))
        threats += len(plan.threats)
    assert threats >= 400  # the drawdown and the holding's concentration fire throughout
    # Called for each of 2 symbols on 200 bars without scopes; with them, the drawdown
    # once per bar time and the concentration only for the held symbol (BTC/USD).
    assert [shell.calls for shell in SHELLS] == [400, 400]
    assert [shell.calls for shell in COUNTED] == [200, 200]
