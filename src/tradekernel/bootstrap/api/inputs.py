"""What the API accepts, resolved to what the jobs take: a blueprint, bars, a time range.

Paths go through the functions the commands use (`bootstrap/blueprints.py::load_table`,
`commands/common.py::data_inputs`, `backtest_job.py::load_data`), so a path means here what
`--config` and `--data` mean on the command line.
"""

import datetime as dt
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tradekernel.adapters.config.blueprint_loader import LoadedBlueprint
from tradekernel.adapters.config.toml_file import read_toml
from tradekernel.adapters.data.bar_store import DEFAULT_STORE
from tradekernel.adapters.data.report import LoadedBars
from tradekernel.adapters.data.spacing import check_spacing
from tradekernel.bootstrap.api.frames import frame_bars
from tradekernel.bootstrap.api.overrides import apply_overrides
from tradekernel.bootstrap.api.toml_text import toml_text
from tradekernel.bootstrap.backtest_job import load_data
from tradekernel.bootstrap.blueprints import bundled_blueprint, load_table
from tradekernel.bootstrap.commands.common import Catalog, data_inputs
from tradekernel.domain.errors import ConfigError
from tradekernel.domain.timeframes import timeframe_ms
from tradekernel.shared.utc_time import parse_utc_time

ConfigInput = str | Path | LoadedBlueprint | None
TimeInput = str | int | dt.datetime | None
TEXT_LABEL = "<config text>"


def _is_path(config: str | Path) -> bool:
    # TOML text has a newline, `=` or `[`; a file name has none of them.
    return isinstance(config, Path) or not any(mark in config for mark in "\n=[")


def resolve_blueprint(
    config: ConfigInput, overrides: Mapping[str, object] | None = None
) -> tuple[LoadedBlueprint, Catalog]:
    """Load `config` (a path, TOML text, a loaded blueprint; None: the bundled example).

    Raises:
        ConfigError: naming the file (or `<config text>`) and the key path of the problem,
            an override's included.
    """
    file: str
    if isinstance(config, LoadedBlueprint):
        text, file = config.text, config.file
        base = Path(file).parent if Path(file).is_file() else Path()
        data = _parse_toml(text, file)
    elif config is None or _is_path(config):
        path = Path(config) if config is not None else bundled_blueprint()
        text, data = read_toml(path)
        file, base = str(path), path.parent
    else:
        text, file, base = str(config), TEXT_LABEL, Path()
        data = _parse_toml(text, file)
    if overrides:
        data = apply_overrides(data, overrides, file=file)
        # A replay rebuilds the blueprint from the recorded text: record the overridden one.
        text = toml_text(data)
    return load_table(text, data, file=file, base=base)


def _parse_toml(text: str, file: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"invalid TOML: {error}", file=file) from None


def _is_frame(value: object) -> bool:
    return hasattr(value, "columns") and hasattr(value, "index")


def resolve_data(
    data: object, blueprint: LoadedBlueprint, store: Path | None = None
) -> tuple[LoadedBars, ...]:
    """Load `data`: a path, a store name (`binance:BTC/USDT:1m`, read from `store`, default
    `./data`), a DataFrame, or a mapping of blueprint symbol to any of these.

    None means what `--data` omitted means: the bundled bars for the bundled example.

    Raises:
        ConfigError: a value bound to no symbol, or a symbol given twice.
        DataError: bars the readers refuse, or not spaced by the blueprint's timeframe.
    """
    symbols = blueprint.settings.universe.symbols
    if isinstance(data, tuple) and data and all(isinstance(v, LoadedBars) for v in data):
        return data  # already loaded (a sweep's bars, sent to each worker once)
    if data is None:
        return load_data(data_inputs([], blueprint, store or DEFAULT_STORE), blueprint)
    if isinstance(data, Mapping):
        items = [(str(symbol), value) for symbol, value in data.items()]
    elif len(symbols) == 1:
        items = [(symbols[0], data)]
    else:
        raise ConfigError(
            f"the blueprint trades {len(symbols)} symbols ({', '.join(symbols)}): "
            "pass data as a mapping of symbol to bars",
            path="data",
        )
    paths = [f"{symbol}={value}" for symbol, value in items if not _is_frame(value)]
    inputs = data_inputs(paths, blueprint, store or DEFAULT_STORE)
    loaded = list(load_data(inputs, blueprint)) if paths else []
    timeframe = blueprint.settings.timeframe
    for symbol, value in items:
        if _is_frame(value):
            bars = frame_bars(value, symbol)
            check_spacing(bars, timeframe, timeframe_ms(timeframe, file=blueprint.file))
            loaded.append(bars)
    order = {symbol: index for index, (symbol, _value) in enumerate(items)}
    return tuple(sorted(loaded, key=lambda bars: order[bars.series.symbol]))


def epoch_ms(value: TimeInput, name: str) -> int | None:
    """Return `value` (ISO text or epoch-ms text, a datetime, epoch ms; naive means UTC) as
    epoch ms.

    Raises:
        ConfigError: text that is not an ISO date or time, naming `name`.
    """
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    if isinstance(value, str):
        # The CLI's parser, so `start="2024-01-01"` is the same instant as `--start 2024-01-01`.
        try:
            return parse_utc_time(value)
        except ValueError as error:
            raise ConfigError(str(error), path=name) from None
    if isinstance(value, dt.datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
        return int(aware.timestamp() * 1000)
    raise ConfigError(f"expected ISO text, a datetime or epoch ms, got {value!r}", path=name)
