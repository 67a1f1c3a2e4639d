"""Checks that a blueprint can trade as configured, run by every job and `config validate`.

Each refuses, before anything is recorded, a run that would start and then never trade:
no way to size an order, a short side on a spot account, a universe the allow/deny lists
emptied, an indicator warm-up longer than the data.
"""

from collections.abc import Sequence

from tradekernel.adapters.config.blueprint_loader import LoadedBlueprint
from tradekernel.adapters.data.report import LoadedBars
from tradekernel.bootstrap.perpetual_account import is_perpetual, perpetual_terms
from tradekernel.domain.blueprint import BlueprintSettings
from tradekernel.domain.errors import ConfigError, DataError
from tradekernel.domain.holistic_allocation import HOLISTIC_ALLOCATOR
from tradekernel.orchestration.kernel.planning_kernel import PlanningKernel

# The size planner used when a blueprint names none: it sizes only by a strategy's own
# `quantity`, so without one every intent would round to zero.
_DIRECTIVE_QUANTITY_ONLY = "explicit"


def check_recorded_run(
    blueprint: LoadedBlueprint, kernel: PlanningKernel, data: Sequence[LoadedBars]
) -> None:
    """Run every check of a run on recorded bars (backtest, paper), before it records.

    Raises:
        ConfigError: a universe symbol has no data, or `check_tradable` refuses.
        DataError: the data is shorter than a context worker's warm-up.
    """
    symbols = {item.series.symbol for item in data}
    for symbol in blueprint.settings.universe.symbols:
        if symbol not in symbols:
            raise ConfigError(
                f"universe symbol {symbol} has no data (given: {', '.join(sorted(symbols))})",
                path="universe.symbols",
                file=blueprint.file,
            )
    check_tradable(blueprint)
    check_warmup(kernel, data)


def check_tradable(blueprint: LoadedBlueprint, *, can_short: bool = False) -> None:
    """Refuse a blueprint that cannot place an order as configured.

    `can_short` is True only for a venue account that can sell what it does not hold (a
    live swap market); backtest and paper simulate a spot account unless the blueprint's
    account is a linear perpetual, whose terms are checked here.

    Raises:
        ConfigError: naming the key to change and why.
    """
    settings, file = blueprint.settings, blueprint.file
    _check_size(settings, file)
    if is_perpetual(settings.account):
        perpetual_terms(settings.account, file)
        return
    if not can_short:
        for plugin in settings.strategies:
            if getattr(plugin.params, "allow_short", False) is True:
                raise ConfigError(
                    "allow_short = true needs a market that can short; backtest and paper "
                    "simulate a spot account (and live needs market_type = 'swap')",
                    path=f"{plugin.path}.allow_short",
                    file=file,
                )


def _check_size(settings: BlueprintSettings, file: str) -> None:
    if settings.allocator.type == HOLISTIC_ALLOCATOR:
        return  # the portfolio planner sizes its own directives
    if any(plugin.type != _DIRECTIVE_QUANTITY_ONLY for plugin in settings.size):
        return
    # A planner that only manages held positions (position_management) sizes from the
    # position: the blueprint can trade as long as one planner with a quantity sets it.
    unsized = [plugin for plugin in settings.strategies if _sets_no_quantity(plugin.params)]
    sized = [
        plugin
        for plugin in settings.strategies
        if getattr(plugin.params, "quantity", None) is not None
    ]
    if unsized and not sized:
        plugin = unsized[0]
        raise ConfigError(
            f"no size planner: strategy planner {plugin.type!r} sets no quantity and the "
            f"size planner {_DIRECTIVE_QUANTITY_ONLY!r} uses only that, so every order "
            "would size to zero; add [[planners.size]] (e.g. type = 'fixed_fraction') "
            "or a quantity to the strategy planner",
            path=plugin.path,
            file=file,
        )


def _sets_no_quantity(params: object) -> bool:
    return hasattr(params, "quantity") and params.quantity is None


def check_universe(blueprint: LoadedBlueprint, selected: Sequence[str]) -> None:
    """Refuse a static universe that the allow and deny lists emptied.

    Raises:
        ConfigError: naming the symbols and the lists.
    """
    universe = blueprint.settings.universe
    if selected or universe.method != "static":
        return
    lists = []
    if universe.allow:
        lists.append(f"allow {', '.join(universe.allow)}")
    if universe.deny:
        lists.append(f"deny {', '.join(universe.deny)}")
    raise ConfigError(
        f"the universe is empty: {', '.join(universe.symbols)} after {' and '.join(lists)} "
        "(config, list file and --allow/--deny merged; deny wins)",
        path="universe",
        file=blueprint.file,
    )


def check_warmup(kernel: PlanningKernel, data: Sequence[LoadedBars]) -> None:
    """Refuse data shorter than a context worker's warm-up: the kernel would never plan.

    Raises:
        DataError: naming the worker, its warm-up and the shortest file.
    """
    if not data:
        return
    shortest = min(data, key=lambda loaded: loaded.report.rows)
    rows = shortest.report.rows
    for worker in kernel.spec.workers:
        warmup = getattr(worker, "warmup", 0)
        if isinstance(warmup, int) and warmup >= rows:
            raise DataError(
                f"context worker {worker.name!r} needs {warmup + 1} bars before its first "
                f"value (warm-up {warmup}), the data has {rows}: give more bars or a "
                "shorter period",
                file=shortest.report.file,
            )
