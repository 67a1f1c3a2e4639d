"""The signal stage: opportunity and threat workers on each symbol's snapshot and assessment.

Two declarations narrow the calls without changing a plan:
- candidate bits (`shared.kernel_table`): on a prepared history, a worker whose mask is
  False at the bar cannot fire there;
- a threat worker's `scope` (`orchestration.activity`): a `holding` threat fires only for a
  symbol with a position or a working order, and an `account` threat depends only on the
  account and the bar time, so one call serves every symbol at that time.
"""

from collections.abc import Iterable

from tradekernel.domain.signals import OpportunitySignal, ThreatSignal
from tradekernel.domain.stage_inputs import AccountView
from tradekernel.orchestration.kernel.activity import ACCOUNT, HOLDING, threat_scope
from tradekernel.orchestration.kernel.kernel_spec import KernelSpec
from tradekernel.orchestration.kernel.plan_order import sorted_signals, sorted_threats
from tradekernel.orchestration.kernel.symbol_cycle import Selection, SymbolCycle


class SignalWorkers:
    """The spec's signal workers, and the selection for each candidate-bit pattern.

    Bit `i` is the `i`-th of `activity.signal_workers(spec)`: opportunities, then threats.
    """

    def __init__(self, spec: KernelSpec) -> None:
        self._opportunities = tuple(worker.evaluate for worker in spec.opportunities)
        self._threats = tuple((worker.evaluate, threat_scope(worker)) for worker in spec.threats)
        self.every = self._build(None)
        # At most one entry per distinct bit pattern met (2**workers), built on first use by
        # `at`; the assessment stage reads it directly first.
        self.by_bits: dict[int, Selection] = {}

    def at(self, code: int) -> Selection:
        """Return the workers whose candidate bit is set in `code`."""
        chosen = self.by_bits.get(code)
        if chosen is None:
            chosen = self.by_bits[code] = self._build(code)
        return chosen

    def _build(self, code: int | None) -> Selection:
        first = len(self._opportunities)

        def wanted(number: int) -> bool:
            return code is None or bool(code >> number & 1)

        threats = [
            (evaluate, scope)
            for number, (evaluate, scope) in enumerate(self._threats)
            if wanted(first + number)
        ]
        return (
            tuple(e for n, e in enumerate(self._opportunities) if wanted(n)),
            tuple(e for e, scope in threats if scope not in (HOLDING, ACCOUNT)),
            tuple(e for e, scope in threats if scope == HOLDING),
            tuple(e for e, scope in threats if scope == ACCOUNT),
            -1 if code is None else code,
        )


def find_signals(
    symbols: Iterable[SymbolCycle], account: AccountView
) -> tuple[list[OpportunitySignal], list[ThreatSignal]]:
    """Set each symbol's signals; return the plan's opportunities and threats, in order.

    Each symbol's signals are sorted (`plan_order`); a portfolio-wide threat reaches every
    symbol's planners but the plan lists it once (same content, same id).
    """
    opportunities: list[OpportunitySignal] = []
    threats: list[ThreatSignal] = []
    portfolio_threats: set[str] = set()
    # Account-scoped threats are evaluated once per (bar time, selection) of the cycle.
    account_results: dict[tuple[int, int], tuple[ThreatSignal, ...]] = {}
    for symbol in symbols:
        opportunity_workers, per_bar, per_holding, per_account, selection = symbol.selection
        assessment = symbol.assessment
        exposed = symbol.exposed
        # (A comprehension is a call in 3.11: skipped when there is nothing to call.)
        if opportunity_workers or per_bar or (exposed and per_holding):
            seen = symbol.snapshot()
            found_opportunities = (
                sorted_signals(
                    [s for evaluate in opportunity_workers if (s := evaluate(seen, assessment))]
                )
                if opportunity_workers
                else ()
            )
            found = (
                [t for evaluate in per_bar if (t := evaluate(seen, assessment, account))]
                if per_bar
                else []
            )
            if exposed and per_holding:
                found += [
                    t for evaluate in per_holding if (t := evaluate(seen, assessment, account))
                ]
        else:
            found_opportunities, found = (), []
        if per_account:
            key = (symbol.ts_ms, selection)
            shared = account_results.get(key)
            if shared is None:
                seen = symbol.snapshot()
                shared = account_results[key] = tuple(
                    t for evaluate in per_account if (t := evaluate(seen, assessment, account))
                )
            if shared:
                found.extend(shared)
        if found_opportunities:
            symbol.opportunities = found_opportunities
            opportunities.extend(found_opportunities)
        if found:
            found_threats = symbol.threats = sorted_threats(found)
            for threat in found_threats:
                if threat.symbol is None:
                    if threat.signal_id in portfolio_threats:
                        continue
                    portfolio_threats.add(threat.signal_id)
                threats.append(threat)
    return opportunities, threats
