"""Which signal workers the kernel calls for one symbol at one bar.

Two declarations narrow the calls without changing a plan:
- candidate bits (`shared.kernel_table`): on a history this kernel precomputed, a worker
  whose mask is False at the bar cannot fire there;
- a threat worker's `scope` (`orchestration.activity`): a `holding` threat fires only for a
  symbol with a position or a working order, and an `account` threat depends only on the
  account and the bar time, so one call serves every symbol at that time.
"""

from collections.abc import Callable

from tradekernel.domain.signals import (
    ContextAssessment,
    FeatureSnapshot,
    OpportunitySignal,
    ThreatSignal,
)
from tradekernel.domain.stage_inputs import AccountView
from tradekernel.orchestration.activity import ACCOUNT, HOLDING, signal_workers, threat_scope
from tradekernel.orchestration.kernel_spec import KernelSpec

OpportunityEvaluator = Callable[[FeatureSnapshot, ContextAssessment], OpportunitySignal | None]
ThreatEvaluator = Callable[[FeatureSnapshot, ContextAssessment, AccountView], ThreatSignal | None]


# The workers to call at one bar: opportunities, then threats per bar, per holding and per
# account, and the key of this selection (its candidate bits, -1 for every worker). A plain
# tuple, unpacked once per symbol per cycle.
Selection = tuple[
    tuple[OpportunityEvaluator, ...],
    tuple[ThreatEvaluator, ...],
    tuple[ThreatEvaluator, ...],
    tuple[ThreatEvaluator, ...],
    int,
]


class SignalWorkers:
    """The spec's signal workers, and the selection for each candidate-bit pattern."""

    def __init__(self, spec: KernelSpec) -> None:
        self.tag = signal_workers(spec)  # what a kernel table's bits are computed for
        self._opportunities = tuple(worker.evaluate for worker in spec.opportunities)
        self._threats = tuple((worker.evaluate, threat_scope(worker)) for worker in spec.threats)
        self.every = self._build(None)
        # At most one entry per distinct bit pattern met (2**workers), built on first use by
        # `at`; the kernel reads it directly first.
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
