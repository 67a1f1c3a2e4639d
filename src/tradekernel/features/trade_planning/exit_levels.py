"""What every exit planner shares: directive hints, the closing rule and the side guard.

- A CLOSE_EXISTING directive opens nothing, so it gets no stop and no take-profit.
- A directive's own `exit.stop_loss_price` / `exit.take_profit_price` replace what the
  planner computes when they are on the right side of the reference; wrong-side hints are
  ignored and the planner computes its own.
- `build_exit` drops any level on the wrong side (or not positive): an exit plan never
  carries a buy stop at or above the reference, or a sell stop at or below it, whatever
  the inputs. A missing level means "none", never a guess.
"""

from decimal import Decimal

from tradekernel.domain.directives import StrategyDirective
from tradekernel.domain.enums import DirectiveScope
from tradekernel.domain.trade_plans import ExitPlan
from tradekernel.features.trade_planning.price_sides import is_protective_stop, is_take_profit


def opens_nothing(directive: StrategyDirective) -> bool:
    """Return True for a directive that closes a position (it needs no protective exit)."""
    return directive.scope is DirectiveScope.CLOSE_EXISTING


def no_exit(planner: str, directive: StrategyDirective) -> ExitPlan:
    """Return an exit plan with no stop, no take-profit and no trailing stop."""
    return ExitPlan(directive_id=directive.directive_id, planner=planner)


def hinted_stop(directive: StrategyDirective, reference: Decimal) -> Decimal | None:
    """Return the directive's stop hint if it is on the protective side, else None."""
    stop = directive.exit.stop_loss_price
    return stop if is_protective_stop(directive.side, reference, stop) else None


def hinted_take_profit(directive: StrategyDirective, reference: Decimal) -> Decimal | None:
    """Return the directive's take-profit hint if it is on the winning side, else None."""
    target = directive.exit.take_profit_price
    return target if is_take_profit(directive.side, reference, target) else None


def build_exit(
    planner: str,
    directive: StrategyDirective,
    reference: Decimal,
    stop: Decimal | None,
    take_profit: Decimal | None,
) -> ExitPlan:
    """Return the exit plan, keeping only levels on the right side of `reference`."""
    trailing = directive.exit.trailing_stop_pct
    if trailing is not None and (not trailing.is_finite() or trailing <= 0):
        trailing = None
    return ExitPlan(
        directive_id=directive.directive_id,
        planner=planner,
        stop_price=stop if is_protective_stop(directive.side, reference, stop) else None,
        take_profit_price=(
            take_profit if is_take_profit(directive.side, reference, take_profit) else None
        ),
        trailing_stop_pct=trailing,
    )


def risk_reward(directive: StrategyDirective, default: Decimal) -> Decimal:
    """Return the directive's `exit.risk_reward` if positive and finite, else `default`."""
    ratio = directive.exit.risk_reward
    if ratio is None or not ratio.is_finite() or ratio <= 0:
        return default
    return ratio
