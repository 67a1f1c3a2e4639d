"""Gates and sizing of intents on a linear perpetual account, each refusal with its code.

- `REDUCE_ONLY_MISMATCH`: a reduce-only intent must trade against the position (a sell
  reduces a long, a buy a short) and is capped to exactly the position, so it can never
  flip it; with no position, or on the position's own side, it is skipped.
- `MAX_LEVERAGE`: an opening intent may not take the account's leverage (notional of
  every position after the fill, at the mark, over equity) above `max_leverage`.
- `LIQUIDATION_TOO_CLOSE`: an opening intent is skipped when the liquidation price of the
  position it opens (isolated, at the intent's price) lies closer to that price than
  `min_liquidation_distance` (a fraction: 0.05 = 5 %).

Sizing by margin: `domain.perpetuals.margin_quantity` is how much a share of the available
balance buys at the account's leverage, fees included (the `margin_fraction` size planner).
"""

from decimal import Decimal

import attrs

from tradekernel.domain.enums import Side, SkipReason
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.perpetuals import PerpetualTerms, isolated_liquidation_price

ZERO = Decimal(0)


@attrs.frozen(kw_only=True)
class PerpetualLimits:
    """The blueprint's limits on perpetual intents (None: no limit)."""

    max_leverage: Decimal | None = None
    min_liquidation_distance: Decimal | None = None


def reduce_only_gate(intent: ExecutionIntent, position: Decimal) -> ExecutionIntent:
    """Return a reduce-only intent capped to the signed `position`, or skipped.

    An opening intent is returned unchanged.
    """
    if not intent.reduce_only:
        return intent
    reduces = position < 0 if intent.side is Side.BUY else position > 0
    if not reduces:
        return intent.skip(
            SkipReason.REDUCE_ONLY_MISMATCH,
            f"reduce-only {intent.side} with position {position} on {intent.symbol}",
        )
    size = abs(position)
    if intent.quantity > size:
        return intent.requantised(size, intent.price, intent.stop_price)
    return intent


def leverage_gate(
    intent: ExecutionIntent,
    *,
    position: Decimal,
    other_notional: Decimal,
    equity: Decimal,
    mark: Decimal,
    limits: PerpetualLimits,
) -> ExecutionIntent:
    """Skip an opening intent that would take the account above `limits.max_leverage`.

    `other_notional` is the notional at mark of the account's other positions.
    """
    cap = limits.max_leverage
    if cap is None or intent.reduce_only or intent.skipped:
        return intent
    signed = intent.quantity if intent.side is Side.BUY else -intent.quantity
    notional = abs(position + signed) * mark + other_notional
    if equity <= 0 or notional > cap * equity:
        used = notional / equity if equity > 0 else "unbounded"
        return intent.skip(
            SkipReason.MAX_LEVERAGE,
            f"leverage after the fill {used} exceeds max_leverage {cap}",
        )
    return intent


def liquidation_gate(
    intent: ExecutionIntent, *, mark: Decimal, terms: PerpetualTerms, limits: PerpetualLimits
) -> ExecutionIntent:
    """Skip an opening intent whose liquidation price lies too close to its entry price."""
    floor = limits.min_liquidation_distance
    if floor is None or intent.reduce_only or intent.skipped:
        return intent
    price = intent.price or intent.stop_price or mark
    signed = intent.quantity if intent.side is Side.BUY else -intent.quantity
    liquidation = isolated_liquidation_price(
        signed, price, terms.leverage, terms.maintenance_margin_rate
    )
    distance = abs(price - liquidation) / price
    if distance < floor:
        return intent.skip(
            SkipReason.LIQUIDATION_TOO_CLOSE,
            f"liquidation at {liquidation} is {distance} from {price}, "
            f"below min_liquidation_distance {floor}",
        )
    return intent
