"""Sequence generators: turn pattern action sets and candidates into action sequences.

A generator has a `name` and `generate(sets, candidates, view, limit)`, where `sets` are the
(pattern name, action set) pairs of every configured pattern, in config order.
"""

import itertools
from decimal import Decimal
from typing import Protocol

import attrs

from tradekernel.domain.enums import Side
from tradekernel.domain.portfolio import ActionSequence, TradeAction
from tradekernel.features.portfolio.patterns import ActionSet, NoParams, ranked
from tradekernel.features.portfolio.view import PlanningView
from tradekernel.shared.ids import derive_id
from tradekernel.shared.quantize import floor_to_step

PatternSets = tuple[tuple[str, ActionSet], ...]


class SequenceGenerator(Protocol):
    name: str

    def generate(
        self,
        sets: PatternSets,
        candidates: tuple[TradeAction, ...],
        view: PlanningView,
        limit: int,
    ) -> tuple[ActionSequence, ...]: ...


def ordered(actions: ActionSet) -> ActionSet:
    """Return the execution order: sells before buys, each side by content key.

    Within one side the order changes neither the end state nor validity (cash only falls
    during buys, so the last buy sees the least cash whatever the order); a canonical order
    lets the planner deduplicate the same trades proposed by different patterns.
    """
    sells = sorted((a for a in actions if a.side is Side.SELL), key=lambda a: a.key)
    buys = sorted((a for a in actions if a.side is Side.BUY), key=lambda a: a.key)
    return (*sells, *buys)


def make_sequence(
    pattern: str, generator: str, actions: ActionSet, *, hypothetical: bool = False, note: str = ""
) -> ActionSequence:
    """Build a sequence whose id is derived from its content and origin."""
    actions = ordered(actions)
    probe = ActionSequence(
        sequence_id="",
        pattern=pattern,
        generator=generator,
        actions=actions,
        hypothetical=hypothetical,
    )
    return attrs.evolve(
        probe, sequence_id=derive_id("seq", pattern, generator, probe.key), note=note
    )


def _unique_symbols(actions: ActionSet) -> bool:
    return len({a.symbol for a in actions}) == len(actions)


@attrs.frozen(kw_only=True)
class FromPatterns:
    """Each pattern action set becomes one sequence."""

    params: NoParams
    name: str = "patterns"

    def generate(
        self, sets: PatternSets, candidates: tuple[TradeAction, ...], view: PlanningView, limit: int
    ) -> tuple[ActionSequence, ...]:
        return tuple(make_sequence(pattern, self.name, actions) for pattern, actions in sets)


@attrs.frozen(kw_only=True)
class CombinatorialParams:
    top_n: int = 6


@attrs.frozen(kw_only=True)
class Combinatorial:
    """Every combination of up to `limit` of the `top_n` best candidates (one per symbol)."""

    params: CombinatorialParams
    name: str = "combinatorial"

    def generate(
        self, sets: PatternSets, candidates: tuple[TradeAction, ...], view: PlanningView, limit: int
    ) -> tuple[ActionSequence, ...]:
        best = ranked(candidates)[: self.params.top_n]
        result = []
        for size in range(1, min(limit, len(best)) + 1):
            for combo in itertools.combinations(best, size):
                if _unique_symbols(combo):
                    result.append(make_sequence("combinatorial", self.name, combo))
        return tuple(result)


@attrs.frozen(kw_only=True)
class DiversityParams:
    top_n: int = 8
    max_per_source: int = 1


@attrs.frozen(kw_only=True)
class DiversityCombinatorial:
    """Combinations that mix calculators: at most `max_per_source` actions from each."""

    params: DiversityParams
    name: str = "diversity_combinatorial"

    def generate(
        self, sets: PatternSets, candidates: tuple[TradeAction, ...], view: PlanningView, limit: int
    ) -> tuple[ActionSequence, ...]:
        best = ranked(candidates)[: self.params.top_n]
        result = []
        for size in range(2, min(limit, len(best)) + 1):
            for combo in itertools.combinations(best, size):
                sources = [a.source for a in combo]
                if _unique_symbols(combo) and all(
                    sources.count(s) <= self.params.max_per_source for s in set(sources)
                ):
                    result.append(make_sequence("diversity", self.name, combo))
        return tuple(result)


@attrs.frozen(kw_only=True)
class PartialParams:
    fractions: tuple[Decimal, ...] = (Decimal("0.5"), Decimal("0.75"))


def scale(action: TradeAction, fraction: Decimal, view: PlanningView) -> TradeAction | None:
    """Return the action with its quantity scaled and floored to the step (None if 0)."""
    step = view.state.rules[action.symbol].step_size
    quantity = floor_to_step(action.quantity * fraction, step)
    return attrs.evolve(action, quantity=quantity) if quantity > 0 else None


@attrs.frozen(kw_only=True)
class PartialExecution:
    """Each pattern set also at partial sizes (the full size comes from the patterns)."""

    params: PartialParams
    name: str = "partial_execution"

    def generate(
        self, sets: PatternSets, candidates: tuple[TradeAction, ...], view: PlanningView, limit: int
    ) -> tuple[ActionSequence, ...]:
        result = []
        for pattern, actions in sets:
            for fraction in self.params.fractions:
                scaled = tuple(
                    s for s in (scale(a, fraction, view) for a in actions) if s is not None
                )
                if scaled:
                    note = f"{fraction:%} of size"
                    result.append(
                        make_sequence(f"{pattern}@{fraction}", self.name, scaled, note=note)
                    )
        return tuple(result)


@attrs.frozen(kw_only=True)
class RelaxationParams:
    extra_actions: int = 2


@attrs.frozen(kw_only=True)
class ConstraintRelaxation:
    """What if the action limit were `extra_actions` higher and no cash reserve were kept?

    Its sequences are hypothetical: the planner reports them and never executes them.
    """

    params: RelaxationParams
    name: str = "constraint_relaxation"

    def generate(
        self, sets: PatternSets, candidates: tuple[TradeAction, ...], view: PlanningView, limit: int
    ) -> tuple[ActionSequence, ...]:
        best = ranked(candidates)
        chosen: list[TradeAction] = []
        for action in best:
            if action.symbol not in {a.symbol for a in chosen}:
                chosen.append(action)
        wider = tuple(chosen[: limit + self.params.extra_actions])
        if not wider:
            return ()
        note = f"max_actions {limit}->{limit + self.params.extra_actions}, no cash reserve"
        return (make_sequence("what_if", self.name, wider, hypothetical=True, note=note),)
