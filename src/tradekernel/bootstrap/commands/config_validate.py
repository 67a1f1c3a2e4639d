"""`tradekernel config validate`: check a blueprint and show what it builds."""

import argparse
from decimal import Decimal
from pathlib import Path

from tradekernel.domain.blueprint import PluginConfig


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "config",
        help="configuration tools (validate)",
        description="Configuration tools.",
        epilog="example:\n  tradekernel config validate examples/sma_cross.toml",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="config_command", metavar="ACTION")
    validate = actions.add_parser(
        "validate",
        help="validate a blueprint: every check a backtest runs before it starts",
        epilog="example:\n  tradekernel config validate examples/sma_cross.toml",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    validate.add_argument("file", type=Path, metavar="FILE")
    validate.set_defaults(handler=run)


def _plugin_line(plugin: PluginConfig) -> str:
    selection = ""
    if (plugin.min_confidence, plugin.max_confidence) != (
        Decimal(0),
        Decimal(1),
    ) or plugin.timing is not None:
        timing = f", timing {plugin.timing.value}" if plugin.timing is not None else ""
        selection = f" (confidence {plugin.min_confidence}..{plugin.max_confidence}{timing})"
    return f"{plugin.type}{selection}"


def run(args: argparse.Namespace) -> int:
    from tradekernel.bootstrap.commands.common import with_universe_lists
    from tradekernel.bootstrap.container import configured
    from tradekernel.bootstrap.run_checks import check_tradable

    # Build what a backtest builds, through the same container, without running: "valid"
    # then means a backtest of this blueprint starts (given data long enough for it).
    container = configured(
        mode="backtest",
        blueprint_path=args.file,
        refine=lambda loaded: with_universe_lists(loaded, (), ()),
    )
    try:
        blueprint = container.blueprint()
        container.kernel()  # the plugin factories may refuse combinations too
        container.simulated_venue()  # its settings, and a perpetual account's sources
        check_tradable(blueprint)
    finally:
        container.shutdown_resources()
    settings = blueprint.settings
    stages = (
        ("context workers", settings.workers),
        ("aggregator", (settings.aggregator,)),
        ("opportunities", settings.opportunities),
        ("threats", settings.threats),
        ("strategy planners", settings.strategies),
        ("entry planners", settings.entry),
        ("size planners", settings.size),
        ("exit planners", settings.exit),
        ("routing planners", settings.routing),
        ("allocation", (settings.allocator,)),
    )
    print(
        f"{args.file}: valid blueprint {settings.name!r} (config hash {blueprint.config_hash[:16]})"
    )
    print(
        f"  universe          {', '.join(settings.universe.symbols)} ({settings.universe.method})"
    )
    for label, plugins in stages:
        print(f"  {label:<17} {', '.join(_plugin_line(p) for p in plugins) or '(none)'}")
    return 0
