"""Through the kernel, a reduce-only intent never exceeds nor flips a perpetual position.

A scripted planner directs any number of closes (either side, any quantity) whatever the
position; the kernel's gates must cap them, in plan order, to exactly the position.
"""

from collections.abc import Sequence
from decimal import Decimal

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from perp_kernel_fixtures import STEP, SYMBOL, perp_context, perp_kernel

from tradekernel.domain.directives import (
    EntryDirective,
    RoutingDirective,
    SizeDirective,
    StrategyDirective,
)
from tradekernel.domain.enums import DirectiveScope, Side, SizingPolicy, SkipReason
from tradekernel.domain.ports.plugins import PlannerActivity
from tradekernel.domain.stage_inputs import StrategyInputs
from tradekernel.orchestration.kernel.planning_kernel import PlanningKernel

BARS = 40


class ScriptedCloses:
    """Direct one CLOSE_EXISTING per (side, quantity), position or not."""

    name = "scripted_closes"
    activity = PlannerActivity.ALWAYS

    def __init__(self, closes: Sequence[tuple[Side, Decimal]]) -> None:
        self._closes = tuple(closes)

    def plan(self, inputs: StrategyInputs) -> Sequence[StrategyDirective]:
        return tuple(
            StrategyDirective(
                directive_id=f"close-{index}",
                source=self.name,
                symbol=SYMBOL,
                ts_ms=inputs.ts_ms,
                side=side,
                scope=DirectiveScope.CLOSE_EXISTING,
                confidence=Decimal(1),
                entry=EntryDirective(),
                size=SizeDirective(policy=SizingPolicy.EXPLICIT, quantity=quantity),
                routing=RoutingDirective(),
            )
            for index, (side, quantity) in enumerate(self._closes)
        )


BASE = perp_kernel()


def _kernel(closes: Sequence[tuple[Side, Decimal]]) -> PlanningKernel:
    return PlanningKernel(attrs.evolve(BASE.spec, strategies=(ScriptedCloses(closes),)))


def test_a_close_without_a_position_is_a_reduce_only_mismatch() -> None:
    (intent,) = _kernel([(Side.BUY, Decimal(10))]).plan(perp_context(BARS)).intents
    assert intent.reduce_only and intent.skip_reason is SkipReason.REDUCE_ONLY_MISMATCH


def test_a_close_on_the_positions_own_side_is_a_reduce_only_mismatch() -> None:
    context = perp_context(BARS, held=Decimal(-10))
    (intent,) = _kernel([(Side.SELL, Decimal(10))]).plan(context).intents
    assert intent.skip_reason is SkipReason.REDUCE_ONLY_MISMATCH


def test_a_close_larger_than_the_short_is_capped_to_exactly_it() -> None:
    context = perp_context(BARS, held=Decimal("-12.3"))
    (intent,) = _kernel([(Side.BUY, Decimal(50))]).plan(context).intents
    assert not intent.skipped and intent.quantity == Decimal("12.3")


_QUANTITY = st.integers(min_value=1, max_value=5000).map(lambda n: n * STEP)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    held=st.integers(min_value=-3000, max_value=3000).map(lambda n: n * STEP),
    closes=st.lists(st.tuples(st.sampled_from(Side), _QUANTITY), min_size=1, max_size=4),
)
def test_reduce_only_intents_never_exceed_nor_flip_the_position(
    held: Decimal, closes: list[tuple[Side, Decimal]]
) -> None:
    plan = _kernel(closes).plan(perp_context(BARS, held=held))
    position = held
    for intent in plan.intents:
        assert intent.reduce_only
        if intent.skipped:
            continue
        assert intent.side is (Side.SELL if position > 0 else Side.BUY)
        signed = intent.quantity if intent.side is Side.BUY else -intent.quantity
        after = position + signed
        assert after == 0 or (after > 0) == (position > 0)  # never flips
        assert abs(after) < abs(position)
        position = after
    if held == 0:
        assert all(i.skip_reason is SkipReason.REDUCE_ONLY_MISMATCH for i in plan.intents)
