"""The `scheduled` planner: dollar-cost averaging and rebalancing on a fixed cadence.

Cadence windows are aligned to the epoch: window(ts) = (ts - offset_ms) // cadence_ms.
A bar is due when it is the first bar of its window, i.e. when the bar `bar_ms` before it
lies in an earlier window. With the default `bar_ms = 1` this is exactly
`(ts_ms - offset_ms) % cadence_ms == 0`; with `bar_ms` set to the timeframe, a cadence that
is not a multiple of the timeframe still fires once per window, on the first bar inside it.
(If that bar is missing from the data, the window is skipped: the planner sees no history.)

- `mode = "dca"`: on a due bar, BUY `quote_amount / close` (EXPLICIT, capped by
  `max_notional = quote_amount`), unless an order of the symbol is still working.
- `mode = "rebalance"`: on a due bar, compare the position's value with
  `target_weight * equity`; when they differ by more than `tolerance * equity`, BUY the
  shortfall (NEW_TRADE) or SELL the excess (CLOSE_EXISTING, at most the position).
"""

from collections.abc import Mapping, Sequence
from decimal import Decimal
from enum import StrEnum

import attrs
import numpy as np

from tradekernel.domain.directives import ExitDirective, SizeDirective, StrategyDirective
from tradekernel.domain.enums import DirectiveScope, Side, SizingPolicy
from tradekernel.domain.ports.plugins import PlannerActivity
from tradekernel.domain.stage_inputs import StrategyInputs
from tradekernel.features.strategy.hints import (
    HintParams,
    closing_size,
    directive_id,
    entry_directive,
    routing_directive,
)
from tradekernel.features.strategy.validators import decimal_in, int_at_least, member_of
from tradekernel.shared.bars import BarSeries, FloatArray, IntArray
from tradekernel.shared.candidates import BoolArray
from tradekernel.shared.quantize import to_decimal

_ZERO = Decimal(0)
_ONE = Decimal(1)


class ScheduleMode(StrEnum):
    DCA = "dca"
    REBALANCE = "rebalance"


@attrs.frozen(kw_only=True)
class ScheduledParams(HintParams):
    """Cadence and amounts of `scheduled` (see the module docstring)."""

    mode: ScheduleMode = attrs.field(validator=member_of(ScheduleMode))
    cadence_ms: int = attrs.field(validator=int_at_least(1))
    offset_ms: int = attrs.field(default=0, validator=int_at_least(0))
    bar_ms: int = attrs.field(default=1, validator=int_at_least(1))
    quote_amount: Decimal | None = attrs.field(
        default=None, validator=decimal_in(_ZERO, None, low_open=True, optional=True)
    )
    target_weight: Decimal | None = attrs.field(
        default=None, validator=decimal_in(_ZERO, _ONE, optional=True)
    )
    tolerance: Decimal = attrs.field(default=Decimal("0.01"), validator=decimal_in(_ZERO, _ONE))
    confidence: Decimal = attrs.field(default=_ONE, validator=decimal_in(_ZERO, _ONE))

    def __attrs_post_init__(self) -> None:
        name = type(self).__name__
        if self.offset_ms >= self.cadence_ms:
            raise ValueError(
                f"{name}.offset_ms: expected < cadence_ms {self.cadence_ms}, got {self.offset_ms}"
            )
        if self.bar_ms > self.cadence_ms:
            raise ValueError(
                f"{name}.bar_ms: expected <= cadence_ms {self.cadence_ms}, got {self.bar_ms}"
            )
        if self.mode is ScheduleMode.DCA and self.quote_amount is None:
            raise ValueError(f"{name}.quote_amount: required when mode = 'dca'")
        if self.mode is ScheduleMode.REBALANCE and self.target_weight is None:
            raise ValueError(f"{name}.target_weight: required when mode = 'rebalance'")


class ScheduledPlanner:
    """Buy a fixed amount, or restore a target weight, once per cadence window."""

    def __init__(self, params: ScheduledParams, name: str = "scheduled") -> None:
        self._params = params
        self._name = name
        # Hints that depend on the params alone, built once (frozen, so safely shared).
        self._entry = entry_directive(params)
        self._routing = routing_directive(params)

    @property
    def name(self) -> str:
        return self._name

    @property
    def activity(self) -> PlannerActivity:
        """Declare where this planner can act (see orchestration.activity)."""
        return PlannerActivity.SIGNALS

    @property
    def params(self) -> ScheduledParams:
        return self._params

    def window(self, ts_ms: int) -> int:
        """Return the index of the cadence window holding `ts_ms`."""
        return (ts_ms - self._params.offset_ms) // self._params.cadence_ms

    def is_due(self, ts_ms: int, prev_ts_ms: int | None) -> bool:
        """Return True when `ts_ms` opens a new cadence window after `prev_ts_ms`.

        `prev_ts_ms` None (no bar before) counts as due: the run starts a window.
        """
        if prev_ts_ms is None:
            return True
        return self.window(ts_ms) != self.window(prev_ts_ms)

    def fires_at(self, ts_ms: int) -> bool:
        """Return True if `plan` acts at `ts_ms`: is_due against the bar `bar_ms` earlier."""
        return self.is_due(ts_ms, ts_ms - self._params.bar_ms)

    def candidate_times(self, ts_ms: IntArray) -> BoolArray:
        """Return `fires_at` for every timestamp, vectorised."""
        ts = np.asarray(ts_ms, dtype=np.int64)
        offset, cadence = self._params.offset_ms, self._params.cadence_ms
        current = np.floor_divide(ts - offset, cadence)
        before = np.floor_divide(ts - self._params.bar_ms - offset, cadence)
        result: BoolArray = current != before
        return result

    def candidate_mask(self, bars: BarSeries, features: Mapping[str, FloatArray]) -> BoolArray:
        """Return where `plan` can act (exactly `candidate_times` of the bar times)."""
        del features
        return self.candidate_times(bars.ts_ms)

    def plan(self, inputs: StrategyInputs) -> Sequence[StrategyDirective]:
        """Return the DCA buy or rebalance trade due at this bar, if any."""
        if not self.fires_at(inputs.ts_ms):
            return ()
        price = to_decimal(inputs.snapshot.close)
        if price <= 0:
            return ()
        if self._params.mode is ScheduleMode.DCA:
            return self._dca(inputs, price)
        return self._rebalance(inputs, price)

    def _directive(
        self,
        inputs: StrategyInputs,
        side: Side,
        scope: DirectiveScope,
        size: SizeDirective,
        reason: str,
    ) -> StrategyDirective:
        return StrategyDirective(
            directive_id=directive_id(inputs, self._name, side, scope, str(self._params.mode)),
            source=self._name,
            symbol=inputs.symbol,
            ts_ms=inputs.ts_ms,
            side=side,
            scope=scope,
            confidence=self._params.confidence,
            entry=self._entry,
            size=size,
            exit=ExitDirective(),
            routing=self._routing,
            reason=reason,
        )

    def _dca(self, inputs: StrategyInputs, price: Decimal) -> Sequence[StrategyDirective]:
        amount = self._params.quote_amount
        if amount is None or any(order.symbol == inputs.symbol for order in inputs.open_orders):
            return ()
        size = SizeDirective(
            policy=SizingPolicy.EXPLICIT, quantity=amount / price, max_notional=amount
        )
        window = self.window(inputs.ts_ms)
        reason = f"dca: {amount} {inputs.account.quote_asset} at {price}, window {window}"
        return (self._directive(inputs, Side.BUY, DirectiveScope.NEW_TRADE, size, reason),)

    def _rebalance(self, inputs: StrategyInputs, price: Decimal) -> Sequence[StrategyDirective]:
        weight = self._params.target_weight
        equity = inputs.account.equity
        if weight is None or equity <= 0:
            return ()
        held = inputs.position.quantity if inputs.position is not None else _ZERO
        held = max(held, _ZERO)
        current = held * price
        difference = equity * weight - current
        if abs(difference) <= self._params.tolerance * equity:
            return ()
        reason = (
            f"rebalance: value {current} vs target {equity * weight} "
            f"({weight} of equity {equity}), tolerance {self._params.tolerance}"
        )
        if difference > 0:
            if any(order.symbol == inputs.symbol for order in inputs.open_orders):
                return ()
            size = SizeDirective(
                policy=SizingPolicy.EXPLICIT, quantity=difference / price, max_notional=difference
            )
            return (self._directive(inputs, Side.BUY, DirectiveScope.NEW_TRADE, size, reason),)
        quantity = min(-difference / price, held)
        if quantity <= 0:
            return ()
        return (
            self._directive(
                inputs, Side.SELL, DirectiveScope.CLOSE_EXISTING, closing_size(quantity), reason
            ),
        )
