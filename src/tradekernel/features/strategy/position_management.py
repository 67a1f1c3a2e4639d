"""The `position_management` planner: break-even, partial exits and a trailing stop.

It acts on an open long position only (spot holdings; short positions are left alone) and
reads no signal, only the bar close, the position and one rolling-high feature column.

- Trailing stop: stop = `trail_column` value * (1 - `trail_pct`); a close below it
  closes the whole position (and suppresses the other rules on that bar). With
  `trail_order = true` the stop is a working stop order at the venue instead: whenever the
  level rises above the working sell stop of the symbol (or there is none), a
  MODIFY_EXISTING directive moves that order up (cancel-replace, never a second stop),
  and the venue, not the close, triggers it (suppressing the other rules on that bar).
- Partial exits: each level {gain_pct, fraction} takes `fraction` of the ORIGINAL size
  (`entry_quantity`) off once the gain reaches `gain_pct`. The planner is stateless, so a
  level counts as done when the position is already at or below what should remain after
  it: with cumulative fraction c of the highest level reached, it sells
  `position - entry_quantity * (1 - c)` only when that exceeds `min_exit_quantity`. A level
  never repeats, and missed levels are caught up in one order.
- Break-even: once close >= entry * (1 + `breakeven_trigger_pct`), a MODIFY_EXISTING
  directive moves the exit stop to the entry price; it is not repeated while a working
  stop order of the symbol already sits at or above the entry price.
"""

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import attrs

from tradekernel.domain.account import Position
from tradekernel.domain.directives import ExitDirective, SizeDirective, StrategyDirective
from tradekernel.domain.enums import DirectiveScope, OrderType, Side
from tradekernel.domain.ports.plugins import PlannerActivity
from tradekernel.domain.stage_inputs import StrategyInputs
from tradekernel.features.strategy.hints import (
    HintParams,
    closing_size,
    directive_id,
    entry_directive,
    routing_directive,
)
from tradekernel.features.strategy.validators import decimal_in, is_bool
from tradekernel.shared.quantize import to_decimal, to_score

_ZERO = Decimal(0)
_ONE = Decimal(1)
_STOP_TYPES = (OrderType.STOP, OrderType.STOP_LIMIT)
# Built once (frozen): every directive of this planner is fully confident, most exits empty.
_FULL_CONFIDENCE = to_score(1.0)
_NO_EXIT = ExitDirective()


@attrs.frozen(kw_only=True)
class PartialExit:
    """Take `fraction` of the original size off once the gain reaches `gain_pct`."""

    gain_pct: Decimal = attrs.field(validator=decimal_in(_ZERO, None, low_open=True))
    fraction: Decimal = attrs.field(validator=decimal_in(_ZERO, _ONE, low_open=True))


def _check_levels(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    where = f"{type(instance).__name__}.{attribute.name}"
    if not isinstance(value, tuple) or not all(isinstance(v, PartialExit) for v in value):
        raise ValueError(f"{where}: expected a list of {{gain_pct, fraction}} tables")
    gains = [level.gain_pct for level in value]
    if gains != sorted(set(gains)):
        raise ValueError(f"{where}: gain_pct must be strictly increasing, got {gains}")
    total = sum((level.fraction for level in value), _ZERO)
    if total > _ONE:
        raise ValueError(f"{where}: fractions add up to {total}, more than 1")


@attrs.frozen(kw_only=True)
class PositionManagementParams(HintParams):
    """Rules of `position_management`; every rule is off unless its params are set."""

    breakeven_trigger_pct: Decimal | None = attrs.field(
        default=None, validator=decimal_in(_ZERO, None, low_open=True, optional=True)
    )
    partial_exits: tuple[PartialExit, ...] = attrs.field(default=(), validator=_check_levels)
    entry_quantity: Decimal | None = attrs.field(
        default=None, validator=decimal_in(_ZERO, None, low_open=True, optional=True)
    )
    min_exit_quantity: Decimal = attrs.field(default=_ZERO, validator=decimal_in(_ZERO, None))
    trail_pct: Decimal | None = attrs.field(
        default=None, validator=decimal_in(_ZERO, _ONE, low_open=True, optional=True)
    )
    trail_column: str | None = None
    trail_order: bool = attrs.field(default=False, validator=is_bool)

    def __attrs_post_init__(self) -> None:
        name = type(self).__name__
        if self.partial_exits and self.entry_quantity is None:
            raise ValueError(f"{name}.entry_quantity: required when partial_exits are set")
        if (self.trail_pct is None) != (self.trail_column is None or self.trail_column == ""):
            raise ValueError(f"{name}.trail_column: trail_pct and trail_column go together")


class PositionManagementPlanner:
    """Protect and harvest an open long position (see the module docstring)."""

    def __init__(self, params: PositionManagementParams, name: str = "position_management"):
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
        """Declare where this planner can act (see orchestration.activity): it manages a
        held position and never opens one, so it has nothing to do while flat."""
        return PlannerActivity.EXPOSED

    @property
    def params(self) -> PositionManagementParams:
        return self._params

    def plan(self, inputs: StrategyInputs) -> Sequence[StrategyDirective]:
        """Return the trailing close alone, or the partial exit and/or break-even move."""
        position = inputs.position
        if position is None or position.quantity <= 0 or position.avg_entry_price <= 0:
            return ()
        close = to_decimal(inputs.snapshot.close)
        trailing = self._trailing(inputs, position, close)
        if trailing is not None:
            return (trailing,)
        out = [d for d in (self._partial(inputs, position, close),) if d is not None]
        breakeven = self._breakeven(inputs, position, close)
        if breakeven is not None:
            out.append(breakeven)
        return tuple(out)

    def _directive(
        self,
        inputs: StrategyInputs,
        scope: DirectiveScope,
        rule: str,
        size: SizeDirective,
        reason: str,
        exit_: ExitDirective | None = None,
    ) -> StrategyDirective:
        return StrategyDirective(
            directive_id=directive_id(inputs, self._name, Side.SELL, scope, rule),
            source=self._name,
            symbol=inputs.symbol,
            ts_ms=inputs.ts_ms,
            side=Side.SELL,
            scope=scope,
            confidence=_FULL_CONFIDENCE,
            entry=self._entry,
            size=size,
            exit=exit_ if exit_ is not None else _NO_EXIT,
            routing=self._routing,
            reason=reason,
        )

    def _trailing(
        self, inputs: StrategyInputs, position: Position, close: Decimal
    ) -> StrategyDirective | None:
        params = self._params
        if params.trail_pct is None or params.trail_column is None:
            return None
        high = inputs.snapshot.get(params.trail_column)
        if high is None:
            return None
        stop = to_decimal(high) * (_ONE - params.trail_pct)
        if params.trail_order:
            return self._trail_order(inputs, position, stop)
        if close >= stop:
            return None
        return self._directive(
            inputs,
            DirectiveScope.CLOSE_EXISTING,
            "trail",
            closing_size(position.quantity, _ONE),
            f"trailing stop: close {close} < {stop} "
            f"({params.trail_column} {high} less {params.trail_pct})",
        )

    def _trail_order(
        self, inputs: StrategyInputs, position: Position, stop: Decimal
    ) -> StrategyDirective | None:
        working = _working_stop(inputs)
        if working is not None and working >= stop:
            return None
        return self._directive(
            inputs,
            DirectiveScope.MODIFY_EXISTING,
            "trail",
            closing_size(position.quantity),
            f"trailing stop order: to {stop} from {working} "
            f"({self._params.trail_column} less {self._params.trail_pct})",
            ExitDirective(stop_loss_price=stop),
        )

    def _partial(
        self, inputs: StrategyInputs, position: Position, close: Decimal
    ) -> StrategyDirective | None:
        params = self._params
        if not params.partial_exits or params.entry_quantity is None:
            return None
        gain = (close - position.avg_entry_price) / position.avg_entry_price
        cumulative = _ZERO
        reached = None
        for level in params.partial_exits:
            cumulative += level.fraction
            if gain >= level.gain_pct:
                reached = (level, cumulative)
        if reached is None:
            return None
        level, cumulative = reached
        remain = params.entry_quantity * (_ONE - cumulative)
        excess = position.quantity - remain
        if excess <= params.min_exit_quantity or excess <= 0:
            return None
        return self._directive(
            inputs,
            DirectiveScope.CLOSE_EXISTING,
            f"partial:{level.gain_pct}",
            closing_size(min(excess, position.quantity)),
            f"partial exit: gain {gain:.6f} >= {level.gain_pct}; keep {remain} of "
            f"{params.entry_quantity}",
        )

    def _breakeven(
        self, inputs: StrategyInputs, position: Position, close: Decimal
    ) -> StrategyDirective | None:
        params = self._params
        if params.breakeven_trigger_pct is None:
            return None
        entry = position.avg_entry_price
        trigger = entry * (_ONE + params.breakeven_trigger_pct)
        if close < trigger:
            return None
        working = _working_stop(inputs)
        if working is not None and working >= entry:
            return None
        return self._directive(
            inputs,
            DirectiveScope.MODIFY_EXISTING,
            "breakeven",
            closing_size(position.quantity),
            f"break-even: close {close} >= {trigger}; stop to entry {entry}",
            ExitDirective(stop_loss_price=entry),
        )


def _working_stop(inputs: StrategyInputs) -> Decimal | None:
    """Return the highest working sell stop of the symbol (its stop price), or None."""
    stops = [
        order.price
        for order in inputs.open_orders
        if order.symbol == inputs.symbol
        and order.side is Side.SELL
        and order.order_type in _STOP_TYPES
        and order.price is not None
    ]
    return max(stops) if stops else None
