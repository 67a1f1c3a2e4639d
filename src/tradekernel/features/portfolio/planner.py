"""The holistic planner: candidates -> patterns -> sequences -> filters -> simulate -> score.

`HolisticPlanner.plan(state)` is pure and deterministic: sequences are generated in config
order, deduplicated by content, and ranked by score then content key. Doing nothing (the
"hold" sequence) is always a candidate, so a plan never trades for the sake of trading.
"""

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Protocol, runtime_checkable

import attrs

from tradekernel.domain.portfolio import (
    ActionSequence,
    PortfolioPlan,
    PortfolioState,
    ScoredSequence,
    SequenceScore,
    TradeAction,
)
from tradekernel.features.portfolio.calculators import Calculator
from tradekernel.features.portfolio.evaluation import evaluate
from tradekernel.features.portfolio.filters import SequenceFilter
from tradekernel.features.portfolio.patterns import Pattern, ranked
from tradekernel.features.portfolio.sequences import (
    PatternSets,
    SequenceGenerator,
    make_sequence,
)
from tradekernel.features.portfolio.settings import PlannerSettings
from tradekernel.features.portfolio.simulation import simulate
from tradekernel.features.portfolio.view import PlanningView
from tradekernel.shared.decimal_context import in_planning_decimals

HOLD = make_sequence("hold", "planner", ())


@runtime_checkable
class SequenceThinner(Protocol):
    """A filter that needs the whole list (e.g. to cap near-duplicates)."""

    def thin(self, sequences: Sequence[ActionSequence]) -> tuple[ActionSequence, ...]: ...


@attrs.frozen(kw_only=True)
class Generation:
    """The sequences worth evaluating, and how many the filters dropped."""

    sequences: tuple[ActionSequence, ...]
    filtered: int


def rank_key(item: ScoredSequence) -> tuple[Decimal, str, str]:
    """Order by score (highest first), then content key, then id: a total order."""
    return (-item.score.total, item.sequence.key, item.sequence.sequence_id)


@attrs.frozen(kw_only=True)
class HolisticPlanner:
    """One bucket's planner, built by the factory from validated settings."""

    bucket: str
    settings: PlannerSettings
    calculators: tuple[Calculator, ...]
    patterns: tuple[Pattern, ...]
    generators: tuple[SequenceGenerator, ...]
    filters: tuple[SequenceFilter, ...] = ()

    @in_planning_decimals
    def view(self, state: PortfolioState) -> PlanningView:
        """Return the planning view of `state` with the targets of `target_source`."""
        if self.settings.target_source == "state":
            return PlanningView.of(state, state.target_weights)
        return PlanningView.of(state, dict(self.settings.target_weights))

    def candidates(self, view: PlanningView) -> tuple[TradeAction, ...]:
        """Return every calculator's candidates, best first."""
        found: list[TradeAction] = []
        for calculator in self.calculators:
            found.extend(calculator.candidates(view))
        return tuple(ranked(found))

    @in_planning_decimals
    def generate(self, state: PortfolioState) -> Generation:
        """Return the deduplicated, filtered sequences to evaluate (hold first)."""
        view = self.view(state)
        candidates = self.candidates(view)
        limit = self.settings.search.max_actions
        sets: PatternSets = tuple(
            (pattern.name, actions)
            for pattern in self.patterns
            for actions in pattern.action_sets(candidates, view, limit)
        )
        produced: list[ActionSequence] = [HOLD]
        for generator in self.generators:
            produced.extend(generator.generate(sets, candidates, view, limit))
        unique = _dedupe(produced)
        kept = [s for s in unique if all(f.reject(s, view) is None for f in self.filters)]
        thinned: Sequence[ActionSequence] = kept
        for item in self.filters:
            if isinstance(item, SequenceThinner):
                thinned = item.thin(thinned)
        final = tuple(thinned[: self.settings.search.max_sequences])
        return Generation(sequences=final, filtered=len(unique) - len(final))

    @in_planning_decimals
    def score(self, sequence: ActionSequence, view: PlanningView) -> ScoredSequence:
        """Simulate and evaluate one sequence (a what-if keeps no cash reserve)."""
        simulation = self.settings.simulation
        if sequence.hypothetical:
            simulation = attrs.evolve(simulation, cash_reserve=Decimal(0))
        outcome = simulate(sequence, view, simulation)
        if not outcome.valid:
            return ScoredSequence(
                sequence=sequence,
                valid=False,
                score=SequenceScore(total=Decimal(0)),
                end_cash=outcome.cash,
                fees=outcome.fees,
                reason=outcome.reason,
            )
        return ScoredSequence(
            sequence=sequence,
            valid=True,
            score=evaluate(outcome, view, self.settings.evaluation),
            end_cash=outcome.cash,
            fees=outcome.fees,
            executed=outcome.executed,
        )

    @in_planning_decimals
    def rank(self, scored: Iterable[ScoredSequence], filtered: int) -> PortfolioPlan:
        """Return the plan: best valid sequence, runners-up and the what-ifs that beat it.

        A what-if competes for best only with `search.allow_what_if`.
        """
        items = list(scored)
        permitted = self.settings.search.allow_what_if
        valid = sorted(
            (s for s in items if s.valid and (permitted or not s.sequence.hypothetical)),
            key=rank_key,
        )
        best = valid[0] if valid else None
        floor = best.score.total if best is not None else Decimal(-1)
        what_ifs = sorted(
            (
                s
                for s in items
                if s.valid and s.sequence.hypothetical and s.score.total > floor and not permitted
            ),
            key=rank_key,
        )
        count = self.settings.search.runners_up
        return PortfolioPlan(
            bucket=self.bucket,
            best=best,
            runners_up=tuple(valid[1 : 1 + count]),
            hypotheticals=tuple(what_ifs[:count]),
            evaluated=len(items),
            invalid=sum(1 for s in items if not s.valid),
            filtered=filtered,
        )

    @in_planning_decimals
    def plan(self, state: PortfolioState) -> PortfolioPlan:
        """Plan `state` in one shot."""
        generation = self.generate(state)
        view = self.view(state)
        return self.rank((self.score(s, view) for s in generation.sequences), generation.filtered)


def _dedupe(sequences: Iterable[ActionSequence]) -> list[ActionSequence]:
    seen: set[str] = set()
    unique = []
    for sequence in sequences:
        if sequence.key not in seen:
            seen.add(sequence.key)
            unique.append(sequence)
    return unique
