"""Plugin protocols, one per planning stage. Plugins satisfy them structurally.

Every plugin is pure: same inputs, same outputs, no I/O, no clock, no randomness. Ids of
what a plugin emits are derived from content (`tradekernel.shared.ids.derive_id`).

Besides its stage protocol a plugin may implement optional capabilities, each a Protocol:
`DeclaresActivity` (strategy planners), `DeclaresThreatScope` (threat workers), and, in
`shared`, `CandidateMask` (signal workers, planners) and `ScoresRows` (the aggregator).
They are checked once, when a blueprint's kernel is built
(`orchestration.plugin_contract`): a plugin that implements one wrongly is a ConfigError
naming its type and key path. None of them is probed per cycle.
"""

import enum
from collections.abc import Mapping, Sequence
from typing import Protocol, TypeVar

import attrs
import msgspec

from tradekernel.domain.directives import StrategyDirective
from tradekernel.domain.enums import SkipReason
from tradekernel.domain.orders import OpenOrderView
from tradekernel.domain.signals import (
    ContextAssessment,
    FeatureSnapshot,
    OpportunitySignal,
    ThreatSignal,
)
from tradekernel.domain.stage_inputs import AccountView, StrategyInputs, UniverseCandidate
from tradekernel.domain.trade_plans import (
    EntryPlan,
    ExecutionDirective,
    ExitPlan,
    RoutingPlan,
    RoutingRequest,
    SizePlan,
)

SeriesT_contra = TypeVar("SeriesT_contra", contravariant=True)
ColumnT_co = TypeVar("ColumnT_co", covariant=True)


class PlannerActivity(enum.Enum):
    """Where a strategy planner can emit a directive for a symbol (see `DeclaresActivity`)."""

    SIGNALS = "signals"
    """Only at a bar with an opportunity signal, or a threat while the symbol is exposed."""
    POSITION = "position"
    """As SIGNALS, and also on every bar while exposed (trailing stops, break-even)."""
    EXPOSED = "exposed"
    """Only while exposed (a position or a working order), on any such bar: never opens."""
    ALWAYS = "always"
    """On any bar: what an undeclared planner counts as."""


class ThreatScope(enum.Enum):
    """What a threat worker's result depends on (see `DeclaresThreatScope`)."""

    BAR = "bar"
    """The symbol's bar and features: called per symbol (what an undeclared worker is)."""
    HOLDING = "holding"
    """Fires only for a symbol with a position or a working order."""
    ACCOUNT = "account"
    """Reads only the account and the bar time: one call per bar time per cycle."""


class DeclaresActivity(Protocol):
    """Optional capability of a `StrategyPlanner`: it says where it can act.

    The kernel (and the sparse backtest) then calls it only where it can; a planner that
    emits a directive where its declaration says it cannot breaks dense == sparse.
    """

    @property
    def activity(self) -> PlannerActivity: ...


class DeclaresThreatScope(Protocol):
    """Optional capability of a `ThreatWorker`: what its result depends on."""

    @property
    def scope(self) -> ThreatScope: ...


class UniverseSelector(Protocol):
    def select(self, candidates: Sequence[UniverseCandidate]) -> Sequence[str]:
        """Return the selected symbols among the candidates."""
        ...


class ContextWorker(Protocol[SeriesT_contra, ColumnT_co]):
    """Computes indicator columns over a bar history, causally (value i uses bars <= i)."""

    @property
    def name(self) -> str: ...

    @property
    def outputs(self) -> tuple[str, ...]:
        """Return the names of the columns `compute` returns."""
        ...

    def compute(self, bars: SeriesT_contra) -> Mapping[str, ColumnT_co]:
        """Return one column per output, as long as `bars`; undefined values are NaN."""
        ...


class ContextAggregator(Protocol):
    def assess(self, snapshot: FeatureSnapshot, assessment_id: str) -> ContextAssessment:
        """Turn a feature snapshot into strength and weakness in 0..1."""
        ...


class OpportunityWorker(Protocol):
    @property
    def name(self) -> str: ...

    def evaluate(
        self, snapshot: FeatureSnapshot, assessment: ContextAssessment
    ) -> OpportunitySignal | None:
        """Return a signal with a confidence in 0..1, or None."""
        ...


class ThreatWorker(Protocol):
    @property
    def name(self) -> str: ...

    def evaluate(
        self, snapshot: FeatureSnapshot, assessment: ContextAssessment, account: AccountView
    ) -> ThreatSignal | None:
        """Return a threat with a severity in 0..1, or None."""
        ...


class StrategyPlanner(Protocol):
    @property
    def name(self) -> str: ...

    def plan(self, inputs: StrategyInputs) -> Sequence[StrategyDirective]:
        """Confront the four quadrants of one symbol into directives."""
        ...


class EntryPlanner(Protocol):
    @property
    def name(self) -> str: ...

    def plan(self, directive: StrategyDirective, snapshot: FeatureSnapshot) -> EntryPlan:
        """Decide how to enter (order type, price levels)."""
        ...


class SizePlanner(Protocol):
    @property
    def name(self) -> str: ...

    def plan(
        self, directive: StrategyDirective, snapshot: FeatureSnapshot, account: AccountView
    ) -> SizePlan:
        """Decide how much, in base units (before quantisation)."""
        ...


class ExitPlanner(Protocol):
    @property
    def name(self) -> str: ...

    def plan(self, directive: StrategyDirective, snapshot: FeatureSnapshot) -> ExitPlan:
        """Decide the protective stop and the take-profit."""
        ...


class RoutingPlanner(Protocol):
    @property
    def name(self) -> str: ...

    def plan(self, request: RoutingRequest) -> RoutingPlan:
        """Decide how the order reaches the venue (immediate, slices, iceberg)."""
        ...


@attrs.frozen(kw_only=True)
class AllocationRejection:
    directive_id: str
    reason: SkipReason
    detail: str


class AllocationResult(msgspec.Struct, frozen=True, kw_only=True):
    """Directives kept (in priority order, possibly with a reduced size) and those refused.

    A frozen msgspec Struct: one per kernel call (docs/architecture.md, "Hot value objects").
    """

    accepted: tuple[ExecutionDirective, ...]
    rejected: tuple[AllocationRejection, ...] = ()


class Allocator(Protocol):
    def allocate(
        self,
        directives: Sequence[ExecutionDirective],
        account: AccountView,
        open_orders: Sequence[OpenOrderView],
    ) -> AllocationResult:
        """Share cash and limits across directives, in a deterministic priority order."""
        ...
