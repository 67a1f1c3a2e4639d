"""The one error a planner raises when asked to plan a directive it does not support."""

from tradekernel.domain.directives import StrategyDirective


def require_support(planner: str, supported: bool, directive: StrategyDirective, why: str) -> None:
    """Raise unless `supported`; the kernel should have asked `supports` first.

    Raises:
        ValueError: naming the planner, the directive and the hint it cannot honour.
    """
    if not supported:
        raise ValueError(
            f"planner {planner!r} does not support directive {directive.directive_id} "
            f"({directive.symbol}): {why}"
        )


def require_same_symbol(directive: StrategyDirective, snapshot_symbol: str) -> None:
    """Refuse to plan one symbol's directive against another symbol's features.

    Raises:
        ValueError: naming both symbols.
    """
    if directive.symbol != snapshot_symbol:
        raise ValueError(
            f"directive {directive.directive_id} is for {directive.symbol} but the feature "
            f"snapshot is for {snapshot_symbol}"
        )
