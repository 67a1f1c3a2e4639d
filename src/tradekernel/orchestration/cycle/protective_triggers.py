"""Runner-managed protective triggers: an entry's stop and target kept by the runner.

On a live venue that books no order lists (`domain.ports.execution.BooksOrderLists`), a
resting OCO is impossible, and two separate exit orders would lock the same holding
twice. There the protection rests in the runner instead (`ProtectiveExits` with a
`newest_bar`): each step the newest closed bar is compared with the protective levels
(rounded as the OCO's would be); when it touched one, one reduce-only market order exits
the protected quantity, under the protective id the OCO would have had. The stop is
assumed first when one bar touched both, as in a backtest.
"""

from collections.abc import Callable
from decimal import Decimal

import attrs
import msgspec

from tradekernel.domain.enums import OrderType, Side
from tradekernel.domain.intents import ExecutionIntent


@attrs.frozen(kw_only=True)
class TriggerBar:
    """The newest closed bar of a symbol, as a trigger reads it."""

    close_ms: int  # when the bar closed: only bars closing after the fill count
    high: Decimal
    low: Decimal


# symbol -> its newest closed bar, or None when none is known yet.
NewestBar = Callable[[str], TriggerBar | None]


def touched(
    exit_side: Side, stop: Decimal | None, target: Decimal | None, high: Decimal, low: Decimal
) -> str | None:
    """Return "stop" or "target" if a bar of that range touched it, else None.

    `exit_side` is the protective order's side (a SELL protects a long). When the bar
    touched both, the stop is assumed first (the backtest's documented rule).
    """
    if exit_side is Side.SELL:
        stop_hit = stop is not None and low <= stop
        target_hit = target is not None and high >= target
    else:
        stop_hit = stop is not None and high >= stop
        target_hit = target is not None and low <= target
    if stop_hit:
        return "stop"
    return "target" if target_hit else None


def triggered_exit(protective: ExecutionIntent, bar: TriggerBar) -> ExecutionIntent | None:
    """Return the market exit replacing `protective` if `bar` touched its levels, else None."""
    which = touched(protective.side, protective.stop_price, protective.price, bar.high, bar.low)
    if which is None:
        return None
    return msgspec.structs.replace(
        protective, order_type=OrderType.MARKET, price=None, stop_price=None
    )
