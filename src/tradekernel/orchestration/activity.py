"""Where on a symbol's history the kernel can emit a directive (for the sparse backtest).

A strategy planner declares its `activity`:
- "signals": it emits directives only at a bar with an opportunity signal, or with a threat
  signal while the symbol has a position or a working order;
- "position": as "signals", and also on every bar while exposed (trailing stops, break-even);
- "always": on any bar.
A planner that also implements `CandidateMask` (a schedule) adds the bars it names.
Undeclared planners and workers without a candidate mask count as acting on every bar, so
the sparse loop stays exact for any plugin; it is only faster for those that declare.
"""

from typing import Protocol, runtime_checkable

import attrs
import numpy as np

from tradekernel.orchestration.kernel_spec import KernelSpec
from tradekernel.shared.bars import BarSeries
from tradekernel.shared.candidates import BoolArray, CandidateMask

SIGNALS = "signals"
POSITION = "position"
ALWAYS = "always"


@runtime_checkable
class DeclaresActivity(Protocol):
    @property
    def activity(self) -> str: ...


@attrs.frozen(kw_only=True, eq=False)
class Activity:
    """Bars where the kernel must run: `flat` with no exposure, `exposed` with some."""

    flat: BoolArray
    exposed: BoolArray


def _mask(plugin: object, series: BarSeries) -> BoolArray | None:
    if isinstance(plugin, CandidateMask):
        return np.asarray(plugin.candidate_mask(series, series.features), dtype=np.bool_)
    return None


def planner_activity(planner: object) -> str:
    """Return a planner's declared activity; a schedule (or no declaration) is `always`.

    A planner with a candidate mask may act on the bars its mask names, which the kernel
    cannot see from one cycle's inputs, so it is always called.
    """
    if isinstance(planner, CandidateMask):
        return ALWAYS
    declared = declared_activity(planner)
    return declared if declared in (SIGNALS, POSITION) else ALWAYS


def declared_activity(planner: object) -> str:
    """Return what a planner declares as its activity, `always` when it declares nothing."""
    return planner.activity if isinstance(planner, DeclaresActivity) else ALWAYS


def may_act(declared: str, opportunity: bool, threat: bool, exposed: bool) -> bool:
    """Return whether a planner of `declared` activity can emit a directive for a symbol.

    `opportunity`/`threat`: the symbol has such a signal this cycle; `exposed`: it has an
    open position or a working order.
    """
    if declared == SIGNALS:
        return opportunity or (threat and exposed)
    if declared == POSITION:
        return opportunity or exposed
    return True


def activity(spec: KernelSpec, series: BarSeries) -> Activity:
    """Return where the kernel must run for one symbol (series must carry its features)."""
    count = len(series)
    every = np.ones(count, dtype=np.bool_)
    opportunities = np.zeros(count, dtype=np.bool_)
    for worker in spec.opportunities:
        mask = _mask(worker, series)
        opportunities |= every if mask is None else mask
    threats = np.zeros(count, dtype=np.bool_)
    for threat in spec.threats:
        mask = _mask(threat, series)
        threats |= every if mask is None else mask
    flat = opportunities.copy()
    exposed = opportunities | threats
    for planner in spec.strategies:
        declared = declared_activity(planner)
        scheduled = _mask(planner, series)
        if scheduled is not None:
            flat |= scheduled
            exposed |= scheduled
        if declared == POSITION:
            exposed |= every
        elif declared != SIGNALS:
            flat |= every
            exposed |= every
    return Activity(flat=flat, exposed=exposed)
