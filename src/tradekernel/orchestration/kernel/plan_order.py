"""The documented orders of a plan's collections, and the removal of duplicate directives."""

from tradekernel.domain.directives import StrategyDirective
from tradekernel.domain.enums import DirectiveScope
from tradekernel.domain.plan import Diagnostic
from tradekernel.domain.signals import OpportunitySignal, ThreatSignal

_SCOPE_ORDER = {
    DirectiveScope.CLOSE_EXISTING: 0,
    DirectiveScope.MODIFY_EXISTING: 1,
    DirectiveScope.NEW_TRADE: 2,
}


def directive_order_key(directive: StrategyDirective) -> tuple[str, int, str]:
    """Return the plan order of directives: symbol, closes before new trades, id."""
    return (directive.symbol, _SCOPE_ORDER[directive.scope], directive.directive_id)


def sorted_signals(signals: list[OpportunitySignal]) -> tuple[OpportunitySignal, ...]:
    if len(signals) < 2:  # the usual case per symbol: nothing to order
        return tuple(signals)
    return tuple(sorted(signals, key=lambda s: (s.symbol, s.source, s.signal_id)))


def sorted_threats(threats: list[ThreatSignal]) -> tuple[ThreatSignal, ...]:
    if len(threats) < 2:
        return tuple(threats)
    return tuple(sorted(threats, key=lambda t: (t.symbol or "", t.source, t.signal_id)))


def unique_directives(
    directives: list[StrategyDirective], diagnostics: list[Diagnostic]
) -> list[StrategyDirective]:
    seen: set[str] = set()
    kept: list[StrategyDirective] = []
    for directive in directives:
        if directive.directive_id in seen:
            diagnostics.append(
                Diagnostic(
                    stage="strategy",
                    code="duplicate_directive_id",
                    symbol=directive.symbol,
                    message=f"directive id {directive.directive_id} emitted twice; "
                    "the later one is dropped",
                )
            )
            continue
        seen.add(directive.directive_id)
        kept.append(directive)
    return kept
