"""Where on a symbol's history the kernel can emit a directive (for the sparse backtest).

A strategy planner declares its `activity` (`DeclaresActivity`, a `PlannerActivity`):
- SIGNALS: it emits directives only at a bar with an opportunity signal, or with a threat
  signal while the symbol has a position or a working order;
- POSITION: as SIGNALS, and also on every bar while exposed (trailing stops, break-even);
- EXPOSED: only while exposed (a position or a working order), on any such bar: a
  planner that manages what is held and never opens;
- ALWAYS: on any bar.
A planner that also implements `CandidateMask` (a schedule) adds the bars it names.
Undeclared planners and workers without a candidate mask count as acting on every bar, so
the sparse loop stays exact for any plugin; it is only faster for those that declare.
The declarations were checked when the blueprint's kernel was built
(`orchestration.plugin_contract`); here they are only read.
"""

import attrs
import numpy as np

from tradekernel.domain.ports.plugins import PlannerActivity, ThreatScope
from tradekernel.orchestration.kernel.kernel_spec import KernelSpec
from tradekernel.orchestration.kernel.plugin_contract import (
    candidate_mask_of,
    declared_activity,
    declared_scope,
)
from tradekernel.shared.bars import BarSeries
from tradekernel.shared.candidates import BoolArray
from tradekernel.shared.kernel_table import BitArray, bit_dtype

# The vocabularies by their short names, for the stages that test membership.
SIGNALS = PlannerActivity.SIGNALS
POSITION = PlannerActivity.POSITION
EXPOSED = PlannerActivity.EXPOSED
ALWAYS = PlannerActivity.ALWAYS
BAR = ThreatScope.BAR
HOLDING = ThreatScope.HOLDING
ACCOUNT = ThreatScope.ACCOUNT

__all__ = [
    "ACCOUNT",
    "ALWAYS",
    "BAR",
    "EXPOSED",
    "HOLDING",
    "POSITION",
    "SIGNALS",
    "Activity",
    "activity",
    "candidate_bits",
    "declared_activity",
    "may_act",
    "planner_activity",
    "signal_workers",
    "threat_scope",
]


def threat_scope(worker: object) -> ThreatScope:
    """Return a threat worker's declared scope; an undeclared worker is `BAR`."""
    return declared_scope(worker)


@attrs.frozen(kw_only=True, eq=False)
class Activity:
    """Bars where the kernel must run: `flat` with no exposure, `exposed` with some."""

    flat: BoolArray
    exposed: BoolArray


def _mask(plugin: object, series: BarSeries) -> BoolArray | None:
    candidate_mask = candidate_mask_of(plugin)
    if candidate_mask is None:
        return None
    return np.asarray(candidate_mask(series, series.features), dtype=np.bool_)


def planner_activity(planner: object) -> PlannerActivity:
    """Return a planner's activity per cycle; a schedule (or no declaration) is `ALWAYS`.

    A planner with a candidate mask may act on the bars its mask names, which the kernel
    cannot see from one cycle's inputs, so it is always called.
    """
    if candidate_mask_of(planner) is not None:
        return ALWAYS
    return declared_activity(planner)


def may_act(declared: PlannerActivity, opportunity: bool, threat: bool, exposed: bool) -> bool:
    """Return whether a planner of `declared` activity can emit a directive for a symbol.

    `opportunity`/`threat`: the symbol has such a signal this cycle; `exposed`: it has an
    open position or a working order.
    """
    if declared == SIGNALS:
        return opportunity or (threat and exposed)
    if declared == POSITION:
        return opportunity or exposed
    if declared == EXPOSED:
        return exposed
    return True


# Workers beyond one 64-bit word of candidate bits are evaluated in full on every bar.
MAX_CANDIDATE_WORKERS = 64


def signal_workers(spec: KernelSpec) -> tuple[object, ...]:
    """Return the spec's opportunity then threat workers: the order of their candidate bits."""
    return (*spec.opportunities, *spec.threats)


def candidate_bits(workers: tuple[object, ...], series: BarSeries) -> BitArray | None:
    """Return per-bar bits of which `workers` may fire (series must carry its features).

    None when there are more workers than bits in one word.
    """
    if len(workers) > MAX_CANDIDATE_WORKERS:
        return None
    dtype = bit_dtype(len(workers))
    bits: BitArray = np.zeros(len(series), dtype=dtype)
    for number, worker in enumerate(workers):
        mask = _mask(worker, series)
        bit = dtype(1) << dtype(number)
        if mask is None:
            bits |= bit
        else:
            bits |= mask.astype(dtype) * bit
    return bits


def _fired(
    series: BarSeries, workers: tuple[object, ...], first: int, stop: int, bits: BitArray | None
) -> BoolArray:
    # Where any of workers[first:stop] may fire: from the bits precomputed for these
    # workers when given, else from the masks themselves.
    if bits is not None:
        wanted = sum(1 << n for n in range(first, stop))
        from_bits: BoolArray = (bits & bits.dtype.type(wanted)) != 0
        return from_bits
    fired = np.zeros(len(series), dtype=np.bool_)
    for worker in workers[first:stop]:
        mask = _mask(worker, series)
        if mask is None:
            return np.ones(len(series), dtype=np.bool_)
        fired |= mask
    return fired


def activity(spec: KernelSpec, series: BarSeries, bits: BitArray | None = None) -> Activity:
    """Return where the kernel must run for one symbol (series must carry its features).

    `bits`: the series' `candidate_bits` for the spec's signal workers, when computed.
    """
    count = len(series)
    every = np.ones(count, dtype=np.bool_)
    workers = signal_workers(spec)
    opportunities = _fired(series, workers, 0, len(spec.opportunities), bits)
    threats = _fired(series, workers, len(spec.opportunities), len(workers), bits)
    flat = opportunities.copy()
    exposed = opportunities | threats
    for planner in spec.strategies:
        declared = declared_activity(planner)
        scheduled = _mask(planner, series)
        if scheduled is not None:
            flat |= scheduled
            exposed |= scheduled
        if declared in (POSITION, EXPOSED):
            exposed |= every
        elif declared != SIGNALS:
            flat |= every
            exposed |= every
    return Activity(flat=flat, exposed=exposed)
