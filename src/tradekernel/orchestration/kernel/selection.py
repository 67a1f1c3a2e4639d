"""Choosing a trade planner for a directive by configured confidence ranges and hints."""

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Generic, Protocol, TypeVar, runtime_checkable

import attrs

from tradekernel.domain.directives import StrategyDirective
from tradekernel.domain.enums import DirectiveScope, TimingPreference

P = TypeVar("P")


@runtime_checkable
class SupportsDirective(Protocol):
    """A planner that can say it does not apply (e.g. a market planner for a limit hint)."""

    def supports(self, directive: StrategyDirective) -> bool: ...


@attrs.frozen(kw_only=True)
class PlannerChoice(Generic[P]):
    """A planner with the confidence range (inclusive) and hints it is chosen for."""

    planner: P
    name: str
    min_confidence: Decimal = Decimal(0)
    max_confidence: Decimal = Decimal(1)
    timing: TimingPreference | None = None
    scopes: tuple[DirectiveScope, ...] = ()
    # Checked and bound once: a runtime protocol check costs more than the rest of
    # `matches`, and this runs for four planner kinds per directive.
    _supports: Callable[[StrategyDirective], bool] | None = attrs.field(
        init=False, repr=False, eq=False
    )

    def __attrs_post_init__(self) -> None:
        planner = self.planner
        supports = planner.supports if isinstance(planner, SupportsDirective) else None
        object.__setattr__(self, "_supports", supports)

    def matches(self, directive: StrategyDirective) -> bool:
        if not self.min_confidence <= directive.confidence <= self.max_confidence:
            return False
        if self.scopes and directive.scope not in self.scopes:
            return False
        timing = directive.entry.timing
        if (
            self.timing is not None
            and timing is not TimingPreference.ANY
            and self.timing is not timing
        ):
            return False
        supports = self._supports
        return True if supports is None else supports(directive)


def choose(
    choices: Sequence[PlannerChoice[P]], directive: StrategyDirective
) -> PlannerChoice[P] | None:
    """Return the first configured choice that matches the directive, or None."""
    for choice in choices:
        if choice.matches(directive):
            return choice
    return None
