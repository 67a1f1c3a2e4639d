"""The optional capability of a trade planner to say whether it applies to a directive."""

from typing import Protocol

from tradekernel.domain.directives import StrategyDirective


class DirectiveSupport(Protocol):
    """A planner that can refuse a directive it cannot honour.

    The kernel asks `supports` before `plan`: e.g. an entry planner returns False when the
    directive's `entry.order_type_hint` names an order type it does not produce. A planner
    called with a directive it does not support raises ValueError instead of ignoring a hint.
    """

    def supports(self, directive: StrategyDirective) -> bool:
        """Return True if `plan` honours every hint of `directive` this planner reads."""
        ...
