"""The hint and hard-limit params every planner carries, and the sub-directives built from them.

A planner's params class inherits `HintParams`, so a TOML table like
`order_type = "market"`, `quantity = "0.01"` fixes how its directives enter, size, exit and
route. A `quantity` makes sizing EXPLICIT; without one a size planner decides (DELEGATED).
"""

from decimal import Decimal

import attrs

from tradekernel.domain.directives import (
    EntryDirective,
    ExitDirective,
    RoutingDirective,
    SizeDirective,
)
from tradekernel.domain.enums import (
    DirectiveScope,
    OrderType,
    RoutingStyle,
    Side,
    SizingPolicy,
    TimingPreference,
)
from tradekernel.domain.stage_inputs import StrategyInputs
from tradekernel.features.strategy.validators import decimal_in, int_at_least, is_bool, member_of
from tradekernel.shared.ids import derive_id

_ZERO = Decimal(0)
_ONE = Decimal(1)


@attrs.frozen(kw_only=True)
class HintParams:
    """Entry, size, exit and routing hints; percentages are fractions (0.02 = 2 %)."""

    timing: TimingPreference = attrs.field(
        default=TimingPreference.ANY, validator=member_of(TimingPreference)
    )
    order_type: OrderType | None = attrs.field(
        default=None, validator=member_of(OrderType, optional=True)
    )
    limit_offset_bps: Decimal | None = attrs.field(
        default=None, validator=decimal_in(_ZERO, None, optional=True)
    )
    max_slippage_bps: Decimal | None = attrs.field(
        default=None, validator=decimal_in(_ZERO, None, optional=True)
    )
    quantity: Decimal | None = attrs.field(
        default=None, validator=decimal_in(_ZERO, None, low_open=True, optional=True)
    )
    max_notional: Decimal | None = attrs.field(
        default=None, validator=decimal_in(_ZERO, None, low_open=True, optional=True)
    )
    stop_loss_pct: Decimal | None = attrs.field(
        default=None, validator=decimal_in(_ZERO, _ONE, low_open=True, optional=True)
    )
    take_profit_pct: Decimal | None = attrs.field(
        default=None, validator=decimal_in(_ZERO, None, low_open=True, optional=True)
    )
    risk_reward: Decimal | None = attrs.field(
        default=None, validator=decimal_in(_ZERO, None, low_open=True, optional=True)
    )
    trailing_stop_pct: Decimal | None = attrs.field(
        default=None, validator=decimal_in(_ZERO, _ONE, low_open=True, optional=True)
    )
    routing_style: RoutingStyle | None = attrs.field(
        default=None, validator=member_of(RoutingStyle, optional=True)
    )
    allow_market_fallback: bool = attrs.field(default=False, validator=is_bool)
    max_slices: int | None = attrs.field(default=None, validator=int_at_least(1, optional=True))


def entry_directive(params: HintParams) -> EntryDirective:
    """Return the entry hints and limits of `params`."""
    return EntryDirective(
        timing=params.timing,
        order_type_hint=params.order_type,
        limit_offset_bps=params.limit_offset_bps,
        max_slippage_bps=params.max_slippage_bps,
    )


def opening_size(params: HintParams) -> SizeDirective:
    """Return EXPLICIT sizing when the params fix a quantity, DELEGATED otherwise."""
    if params.quantity is not None:
        return SizeDirective(
            policy=SizingPolicy.EXPLICIT,
            quantity=params.quantity,
            max_notional=params.max_notional,
        )
    return SizeDirective(policy=SizingPolicy.DELEGATED, max_notional=params.max_notional)


def closing_size(quantity: Decimal, fraction: Decimal | None = None) -> SizeDirective:
    """Return EXPLICIT sizing of a close: the quantity to take off (floored later)."""
    return SizeDirective(policy=SizingPolicy.EXPLICIT, quantity=quantity, close_fraction=fraction)


def exit_directive(params: HintParams, side: Side, reference_price: Decimal) -> ExitDirective:
    """Return stop and take-profit prices placed around `reference_price` for an entry on `side`.

    With a stop but no take-profit percentage, `risk_reward` places the take-profit at
    `risk_reward` times the stop distance.
    """
    sign = _ONE if side is Side.BUY else -_ONE
    stop = None
    take = None
    if params.stop_loss_pct is not None:
        stop = reference_price * (_ONE - sign * params.stop_loss_pct)
    if params.take_profit_pct is not None:
        take = reference_price * (_ONE + sign * params.take_profit_pct)
    elif stop is not None and params.risk_reward is not None:
        take = reference_price + (reference_price - stop) * params.risk_reward
    return ExitDirective(
        stop_loss_price=stop,
        take_profit_price=take,
        trailing_stop_pct=params.trailing_stop_pct,
        risk_reward=params.risk_reward,
    )


def price_free_exit(params: HintParams) -> ExitDirective | None:
    """Return `exit_directive(params, ...)` when it places no level, else None.

    Without a stop or take-profit percentage the exit hints do not depend on the side or the
    reference price: a planner can build them once instead of per directive.
    """
    if params.stop_loss_pct is not None or params.take_profit_pct is not None:
        return None
    return exit_directive(params, Side.BUY, _ONE)


def routing_directive(params: HintParams) -> RoutingDirective:
    """Return the routing hints; market fallback stays off unless the params allow it."""
    return RoutingDirective(
        style_hint=params.routing_style,
        allow_market_fallback=params.allow_market_fallback,
        max_slices=params.max_slices,
    )


def directive_id(
    inputs: StrategyInputs, source: str, side: Side, scope: DirectiveScope, *discriminator: str
) -> str:
    """Return the content-derived id of a directive; `discriminator` parts tell apart siblings."""
    return derive_id(
        "dir", inputs.run_id, inputs.ts_ms, inputs.symbol, source, side, scope, *discriminator
    )
