"""Arguments and loading steps shared by the commands.

Only argparse-level names are imported at module level: every command's `register` uses
this module, so building the parser (`--help`, `--version`) must not load the loaders,
the container or the exchange adapters. The loading steps import them when called.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tradekernel.domain.enums import PluginKind
from tradekernel.domain.errors import ConfigError
from tradekernel.domain.plugin_spec import PluginSpec
from tradekernel.shared.utc_time import parse_utc_time

if TYPE_CHECKING:
    from tradekernel.adapters.config.blueprint_loader import LoadedBlueprint
    from tradekernel.adapters.data.report import LoadedBars
    from tradekernel.bootstrap.backtest_job import DataInput

DEFAULT_DB = Path("tradekernel.db")
# The bar store's directory; `adapters/data/bar_store.py` holds the same default for
# callers of the loaders, imported lazily here to keep `--help` light.
DEFAULT_STORE = Path("data")

Catalog = dict[tuple[PluginKind, str], PluginSpec]


def add_config_argument(parser: argparse.ArgumentParser, *, required: bool) -> None:
    parser.add_argument(
        "--config",
        type=Path,
        required=required,
        metavar="FILE",
        help="strategy blueprint (TOML)" + ("" if required else "; default: the bundled example"),
    )


def add_data_argument(parser: argparse.ArgumentParser, *, required: bool) -> None:
    parser.add_argument(
        "--data",
        action="append",
        default=[],
        metavar="[SYMBOL=]SOURCE",
        required=required,
        help="bars: a CSV or Parquet file, or a store name EXCHANGE:SYMBOL:TIMEFRAME "
        "(binance:BTC/USDT:1m); SOURCE binds to the blueprint's only symbol, "
        "SYMBOL=SOURCE names it (repeatable)",
    )
    add_store_argument(parser)


def add_store_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--store",
        type=Path,
        default=DEFAULT_STORE,
        metavar="DIR",
        help="the bar store directory that store names refer to (default: ./data)",
    )


def add_universe_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--allow",
        action="append",
        default=[],
        metavar="SYMBOL",
        help="restrict the universe to these symbols (repeatable)",
    )
    parser.add_argument(
        "--deny",
        action="append",
        default=[],
        metavar="SYMBOL",
        help="remove symbols from the universe; deny wins (repeatable)",
    )


def add_run_id_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--run-id",
        metavar="ID",
        help="name the run (default: derived from the config and data hashes); an id the "
        "database already holds is refused unless --replace",
    )
    parser.add_argument(
        "--replace",
        action="store_true",
        help="delete the run already recorded under this id (its plans, orders, fills) first",
    )


def utc_time_argument(text: str) -> int:
    """Read a time argument (ISO UTC or epoch ms) as epoch ms; argparse exits 2 on a bad one."""
    try:
        return parse_utc_time(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def add_time_window_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--start",
        type=utc_time_argument,
        metavar="TIME",
        help="use only bars opening at or after TIME (ISO UTC, e.g. 2024-01-31 or "
        "2024-01-31T12:00, or epoch ms)",
    )
    parser.add_argument(
        "--end",
        type=utc_time_argument,
        metavar="TIME",
        help="use only bars opening before TIME (ISO UTC or epoch ms)",
    )


def load_windowed_data(
    values: Sequence[str], blueprint: LoadedBlueprint, args: argparse.Namespace
) -> tuple[LoadedBars, ...]:
    """Load the `--data`/`--replay` sources (files or `--store` names) and cut them to
    `--start`/`--end`."""
    from tradekernel.bootstrap.backtest_job import load_data
    from tradekernel.bootstrap.time_window import cut_to_window

    store = getattr(args, "store", DEFAULT_STORE)
    loaded = load_data(data_inputs(values, blueprint, store), blueprint)
    return cut_to_window(loaded, args.start, args.end)


def load_blueprint_arg(path: Path | None) -> tuple[LoadedBlueprint, Catalog]:
    from tradekernel.bootstrap.blueprints import bundled_blueprint, load

    return load(path if path is not None else bundled_blueprint())


def data_inputs(
    values: Sequence[str], blueprint: LoadedBlueprint, store: Path = DEFAULT_STORE
) -> list[DataInput]:
    """Bind `--data` values (files or store names) to symbols.

    Raises:
        ConfigError: naming the bad argument.
    """
    from tradekernel.adapters.data.bundled import DEFAULT_SYMBOL, bundled_path
    from tradekernel.adapters.data.sources import is_store_source
    from tradekernel.bootstrap.backtest_job import DataInput
    from tradekernel.bootstrap.blueprints import bundled_blueprint

    symbols = blueprint.settings.universe.symbols
    if not values:
        if blueprint.file == str(bundled_blueprint()):
            return [DataInput(symbol=DEFAULT_SYMBOL, path=bundled_path())]
        raise ConfigError("no --data given", path="--data")
    inputs: list[DataInput] = []
    for value in values:
        symbol, separator, path = value.partition("=")
        if not separator:
            if len(symbols) != 1:
                raise ConfigError(
                    f"--data {value}: the blueprint trades {len(symbols)} symbols "
                    f"({', '.join(symbols)}); write SYMBOL=PATH",
                    path="--data",
                )
            symbol, path = symbols[0], value
        if not Path(path).is_file() and not is_store_source(path):
            raise ConfigError(f"--data {value}: no such file {path}", path="--data")
        inputs.append(DataInput(symbol=symbol, path=Path(path), store=store))
    seen = [item.symbol for item in inputs]
    duplicates = sorted({s for s in seen if seen.count(s) > 1})
    if duplicates:
        raise ConfigError(f"--data gives {', '.join(duplicates)} twice", path="--data")
    return inputs


def with_universe_lists(
    blueprint: LoadedBlueprint, allow: Sequence[str], deny: Sequence[str]
) -> LoadedBlueprint:
    """Merge the config, list-file and CLI allow/deny lists into the blueprint's universe.

    Raises:
        ConfigError: a list is malformed or unreadable, or the lists empty the universe.
    """
    import attrs

    from tradekernel.bootstrap.run_checks import check_universe
    from tradekernel.features.universe.list_file import SymbolLists, parse_symbol_list
    from tradekernel.features.universe.merge import merge_universe

    universe = blueprint.settings.universe
    try:
        config = SymbolLists.from_strings(allow=universe.allow, deny=universe.deny, source="config")
        cli = SymbolLists.from_strings(allow=tuple(allow), deny=tuple(deny), source="cli")
    except ValueError as error:
        raise ConfigError(str(error), path="universe", file=blueprint.file) from None
    file_lists = None
    if universe.list_file is not None:
        list_path = Path(blueprint.file).parent / universe.list_file
        try:
            file_lists = parse_symbol_list(list_path.read_text(encoding="utf-8"))
        except OSError as error:
            raise ConfigError(
                f"cannot read symbol list: {error.strerror}",
                path="universe.list_file",
                file=str(list_path),
            ) from None
        except ValueError as error:
            raise ConfigError(str(error), path="universe.list_file", file=str(list_path)) from None
    record = merge_universe(universe.symbols, config=config, file=file_lists, cli=cli)
    merged = attrs.evolve(universe, allow=record.allow, deny=record.deny)
    refined = attrs.evolve(blueprint, settings=attrs.evolve(blueprint.settings, universe=merged))
    check_universe(refined, record.selected)
    return refined


def resample_note(loaded: LoadedBars) -> str:
    """Return `, resampled from 1m (N partial buckets dropped)` for resampled bars, else ``."""
    from tradekernel.domain.timeframes import timeframe_name

    report = loaded.resampled
    if report is None:
        return ""
    dropped = report.dropped_at_edges + report.dropped_in_gaps
    return (
        f", resampled from {timeframe_name(report.source_ms)} bars "
        f"({dropped} incomplete bucket(s) dropped: {report.dropped_at_edges} at the edges, "
        f"{report.dropped_in_gaps} in gaps)"
    )
