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
        help="validate a blueprint: types, ranges, unknown keys, plugin columns",
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
    from tradekernel.bootstrap.blueprints import load
    from tradekernel.orchestration.factory.kernel_factory import build_kernel

    blueprint, catalog = load(args.file)
    build_kernel(blueprint.settings, catalog)  # factories may refuse combinations too
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
