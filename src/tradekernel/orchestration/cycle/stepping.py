"""Where the sparse loop goes next: the kernel's activity masks laid on the timeline."""

import numpy as np

from tradekernel.orchestration.cycle.timeline import Timeline, on_timeline
from tradekernel.orchestration.kernel.prepared_market import PreparedMarket
from tradekernel.shared.bars import IntArray
from tradekernel.shared.candidates import BoolArray


class StepSchedule:
    """Where the kernel runs: per symbol, the flat and exposed activity masks on the timeline."""

    def __init__(
        self,
        market: PreparedMarket,
        timeline: Timeline,
        dense: bool,
    ) -> None:
        self._dense = dense
        count = len(timeline)
        flat = np.zeros(count, dtype=np.bool_)
        self._exposed_masks: dict[str, BoolArray] = {}
        self._exposed: dict[str, StepCursor] = {}
        for symbol in timeline.symbols:
            act = market.activity(symbol)
            flat |= on_timeline(timeline, symbol, act.flat)
            mask = on_timeline(timeline, symbol, act.exposed)
            self._exposed_masks[symbol] = mask
            self._exposed[symbol] = StepCursor(np.flatnonzero(mask))
        self._flat_mask = flat
        self._flat = StepCursor(np.flatnonzero(flat))

    def kernel_at(self, index: int, exposed: tuple[str, ...]) -> bool:
        """Return True if the kernel can act at `index` with `exposed` symbols held or working."""
        if self._dense or self._flat_mask.item(index):
            return True
        return any(self._exposed_masks[symbol].item(index) for symbol in exposed)

    def next_after(self, index: int, exposed: tuple[str, ...]) -> int | None:
        """Return the first step after `index` (calls must come with growing `index`)."""
        if self._dense:
            return index + 1
        found = self._flat.first_after(index)
        for symbol in exposed:
            step = self._exposed[symbol].first_after(index)
            if step is not None and (found is None or step < found):
                found = step
        return found


class StepCursor:
    """The first step after an index, for indices that only grow: O(1) per call mostly."""

    def __init__(self, steps: IntArray) -> None:
        self._steps = steps
        self._count = int(steps.shape[0])
        # `_next` is steps[_position], the first step after every index asked so far.
        self._position = 0
        self._next: int | None = int(steps.item(0)) if self._count else None

    def first_after(self, index: int) -> int | None:
        """Return the first step after `index` (None if there is none)."""
        found = self._next
        if found is None or found > index:
            return found
        steps = self._steps
        position = self._position + 1
        if position < self._count and steps.item(position) <= index:
            # A jump over several steps (a symbol not exposed for a while): bisect.
            # The array's own method: `np.searchsorted` adds a Python dispatch layer.
            position = int(steps.searchsorted(index, side="right"))
        self._position = position
        self._next = int(steps.item(position)) if position < self._count else None
        return self._next
