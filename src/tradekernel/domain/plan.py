"""The plan: the kernel's whole output for one cycle, with its diagnostics.

Its causality chain is implied by the ids the DTOs carry (a directive's `causes`, an
intent's `directive_id`, the symbol and time of a bar) and is derived from a plan by
`orchestration.causality.plan_causality`, not stored twice.
"""

import attrs
import msgspec

from tradekernel.domain.directives import StrategyDirective
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.signals import ContextAssessment, OpportunitySignal, ThreatSignal
from tradekernel.domain.trade_plans import ExecutionDirective


@attrs.frozen(kw_only=True)
class Diagnostic:
    """A note from a stage: `code` is a stable reason code, `message` says it in words."""

    stage: str
    code: str
    message: str
    symbol: str | None = None


@attrs.frozen(kw_only=True)
class CausalityLink:
    """One node of a plan's causality chain: `parents` are the ids of what caused it."""

    node_id: str
    kind: str
    parents: tuple[str, ...] = ()
    summary: str = ""


@attrs.frozen(kw_only=True)
class UniverseRecord:
    """How the universe was formed: the candidates, the merged lists and the result."""

    candidates: tuple[str, ...]
    allow: tuple[str, ...]
    deny: tuple[str, ...]
    selected: tuple[str, ...]
    method: str = "static"


class Plan(msgspec.Struct, frozen=True, kw_only=True):
    """Everything decided in one cycle, in a fixed order. Consumers must not re-sort it.

    A frozen msgspec Struct: one per kernel call (docs/architecture.md, "Hot value objects").
    """

    run_id: str
    cycle_ts_ms: int
    universe: UniverseRecord
    assessments: tuple[ContextAssessment, ...] = ()
    opportunities: tuple[OpportunitySignal, ...] = ()
    threats: tuple[ThreatSignal, ...] = ()
    directives: tuple[StrategyDirective, ...] = ()
    execution_directives: tuple[ExecutionDirective, ...] = ()
    intents: tuple[ExecutionIntent, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()

    @property
    def tradable_intents(self) -> tuple[ExecutionIntent, ...]:
        return tuple(intent for intent in self.intents if not intent.skipped)

    @property
    def skipped_intents(self) -> tuple[ExecutionIntent, ...]:
        return tuple(intent for intent in self.intents if intent.skipped)
