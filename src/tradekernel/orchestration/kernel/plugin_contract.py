"""The plugin contract, checked once when a blueprint's kernel is built.

A `PluginRole[T]` names the stage protocol `T` (`domain/ports/plugins.py`) a plugin kind
must satisfy and the members that protocol requires; `kernel_factory.instantiate` checks
each built plugin against its role and returns it typed as `T`. `check_capabilities`
then checks the optional capabilities a plugin implements (`DeclaresActivity`,
`DeclaresThreatScope`, `CandidateMask`, `ScoresRows`): implementing one is declaring it,
and a declaration the kernel cannot use is refused here rather than ignored later.

The resolvers at the end (`candidate_mask_of`, `row_scorer`, `declared_activity`,
`declared_scope`) read a checked capability with one attribute lookup; the kernel calls
them when it is built and when it precomputes a history, never per cycle.
"""

import enum
import inspect
from collections.abc import Callable, Mapping
from typing import Generic, TypeGuard, TypeVar

import attrs

from tradekernel.domain.enums import PluginKind
from tradekernel.domain.ports.plugins import (
    Allocator,
    ContextAggregator,
    ContextWorker,
    EntryPlanner,
    ExitPlanner,
    OpportunityWorker,
    PlannerActivity,
    RoutingPlanner,
    SizePlanner,
    StrategyPlanner,
    ThreatScope,
    ThreatWorker,
    UniverseSelector,
)
from tradekernel.shared.bars import BarSeries, FloatArray
from tradekernel.shared.candidates import BoolArray
from tradekernel.shared.row_scores import ScoresRows

T = TypeVar("T")
MaskFunction = Callable[[BarSeries, Mapping[str, FloatArray]], BoolArray]


class CapabilityError(ValueError):
    """A plugin does not implement its stage protocol, or implements a capability wrongly."""


@attrs.frozen(kw_only=True)
class PluginRole(Generic[T]):
    """The protocol `T` a plugin kind satisfies, and the members it must have."""

    kind: PluginKind
    protocol: str
    methods: tuple[str, ...]
    attributes: tuple[str, ...] = ()

    def missing(self, plugin: object) -> tuple[str, ...]:
        """Return the required members `plugin` lacks (a method must be callable)."""
        absent = [name for name in self.attributes if not hasattr(plugin, name)]
        absent += [name for name in self.methods if not callable(getattr(plugin, name, None))]
        return tuple(absent)

    def accepts(self, plugin: object) -> TypeGuard[T]:
        """Return whether `plugin` has every member of the role's protocol."""
        return not self.missing(plugin)


UNIVERSE: PluginRole[UniverseSelector] = PluginRole(
    kind=PluginKind.UNIVERSE, protocol="UniverseSelector", methods=("select",)
)
CONTEXT_WORKER: PluginRole[ContextWorker[BarSeries, FloatArray]] = PluginRole(
    kind=PluginKind.CONTEXT_WORKER,
    protocol="ContextWorker",
    methods=("compute",),
    attributes=("name", "outputs"),
)
CONTEXT_AGGREGATOR: PluginRole[ContextAggregator] = PluginRole(
    kind=PluginKind.CONTEXT_AGGREGATOR, protocol="ContextAggregator", methods=("assess",)
)
OPPORTUNITY: PluginRole[OpportunityWorker] = PluginRole(
    kind=PluginKind.OPPORTUNITY,
    protocol="OpportunityWorker",
    methods=("evaluate",),
    attributes=("name",),
)
THREAT: PluginRole[ThreatWorker] = PluginRole(
    kind=PluginKind.THREAT, protocol="ThreatWorker", methods=("evaluate",), attributes=("name",)
)
STRATEGY: PluginRole[StrategyPlanner] = PluginRole(
    kind=PluginKind.STRATEGY, protocol="StrategyPlanner", methods=("plan",), attributes=("name",)
)
ENTRY: PluginRole[EntryPlanner] = PluginRole(
    kind=PluginKind.ENTRY, protocol="EntryPlanner", methods=("plan",), attributes=("name",)
)
SIZE: PluginRole[SizePlanner] = PluginRole(
    kind=PluginKind.SIZE, protocol="SizePlanner", methods=("plan",), attributes=("name",)
)
EXIT: PluginRole[ExitPlanner] = PluginRole(
    kind=PluginKind.EXIT, protocol="ExitPlanner", methods=("plan",), attributes=("name",)
)
ROUTING: PluginRole[RoutingPlanner] = PluginRole(
    kind=PluginKind.ROUTING, protocol="RoutingPlanner", methods=("plan",), attributes=("name",)
)
ALLOCATOR: PluginRole[Allocator] = PluginRole(
    kind=PluginKind.ALLOCATOR, protocol="Allocator", methods=("allocate",)
)

# Kinds whose `candidate_mask` the sparse backtest reads (signal workers, planners).
_MASKED_KINDS = (PluginKind.OPPORTUNITY, PluginKind.THREAT, PluginKind.STRATEGY)


def _check_method(plugin: object, name: str, parameters: tuple[str, ...], capability: str) -> None:
    if not hasattr(plugin, name):
        return
    method = getattr(plugin, name)
    wanted = f"{name}({', '.join(parameters)})"
    if not callable(method):
        raise CapabilityError(f"implements {capability} wrongly: {name} is not a method {wanted}")
    try:
        signature = inspect.signature(method)
    except (TypeError, ValueError):
        return  # a callable without an introspectable signature: trusted as declared
    try:
        signature.bind(*parameters)
    except TypeError:
        raise CapabilityError(
            f"implements {capability} wrongly: {name}{signature} cannot be called as {wanted}"
        ) from None


def _check_member(plugin: object, name: str, vocabulary: type[enum.Enum], capability: str) -> None:
    if not hasattr(plugin, name):
        return
    value = getattr(plugin, name)
    if isinstance(value, vocabulary):
        return
    known = ", ".join(f"{vocabulary.__name__}.{member.name}" for member in vocabulary)
    raise CapabilityError(
        f"implements {capability} wrongly: {name} is {value!r} ({type(value).__name__}), "
        f"expected one of {known}"
    )


def check_capabilities(kind: PluginKind, plugin: object) -> None:
    """Check every optional capability `plugin` implements for its `kind`.

    Raises:
        CapabilityError: naming the capability and what is wrong with it.
    """
    if kind in _MASKED_KINDS:
        _check_method(plugin, "candidate_mask", ("bars", "features"), "CandidateMask")
    if kind is PluginKind.STRATEGY:
        _check_member(plugin, "activity", PlannerActivity, "DeclaresActivity")
    if kind is PluginKind.THREAT:
        _check_member(plugin, "scope", ThreatScope, "DeclaresThreatScope")
    if kind is PluginKind.CONTEXT_AGGREGATOR:
        halves = [name for name in ("score_rows", "assess_row") if hasattr(plugin, name)]
        if len(halves) == 1:
            raise CapabilityError(
                f"implements ScoresRows wrongly: it has {halves[0]} but not "
                f"{'assess_row' if halves[0] == 'score_rows' else 'score_rows'}"
            )
        _check_method(plugin, "score_rows", ("bars", "features"), "ScoresRows")
        _check_method(
            plugin, "assess_row", ("row", "symbol", "ts_ms", "assessment_id"), "ScoresRows"
        )


def conforming(role: PluginRole[T], plugin: object) -> T:
    """Return `plugin` typed as the role's protocol, its capabilities checked.

    Raises:
        CapabilityError: a required member is missing, or a capability is wrong.
    """
    if not role.accepts(plugin):
        absent = ", ".join(role.missing(plugin))
        raise CapabilityError(f"does not implement {role.protocol}: missing {absent}")
    check_capabilities(role.kind, plugin)
    return plugin


def candidate_mask_of(plugin: object) -> MaskFunction | None:
    """Return the plugin's `candidate_mask` method, or None when it has none."""
    method = getattr(plugin, "candidate_mask", None)
    if not callable(method):
        return None
    mask: MaskFunction = method
    return mask


def row_scorer(plugin: object) -> TypeGuard[ScoresRows]:
    """Return whether an aggregator implements `ScoresRows` (both of its methods)."""
    return callable(getattr(plugin, "score_rows", None)) and callable(
        getattr(plugin, "assess_row", None)
    )


def declared_activity(planner: object) -> PlannerActivity:
    """Return a planner's declared activity; `ALWAYS` when it declares none."""
    declared = getattr(planner, "activity", None)
    return declared if isinstance(declared, PlannerActivity) else PlannerActivity.ALWAYS


def declared_scope(worker: object) -> ThreatScope:
    """Return a threat worker's declared scope; `BAR` when it declares none."""
    declared = getattr(worker, "scope", None)
    return declared if isinstance(declared, ThreatScope) else ThreatScope.BAR
