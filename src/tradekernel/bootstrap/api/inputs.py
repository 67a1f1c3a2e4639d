"""What the API accepts, resolved to what the jobs take: a blueprint, bars, a time range.

Paths go through the functions the commands use (`bootstrap/blueprints.py::load_table`,
`commands/common.py::data_inputs`, `backtest_job.py::load_data`), so a path means here what
`--config` and `--data` mean on the command line.
"""

import datetime as dt
import hashlib
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
import numpy as np

from tradekernel.adapters.config.blueprint_loader import LoadedBlueprint
from tradekernel.adapters.config.toml_file import read_toml
from tradekernel.adapters.data.report import LoadedBars, build_report
from tradekernel.adapters.data.spacing import check_spacing
from tradekernel.bootstrap.api.frames import frame_bars
from tradekernel.bootstrap.api.overrides import apply_overrides
from tradekernel.bootstrap.api.toml_text import toml_text
from tradekernel.bootstrap.backtest_job import load_data
from tradekernel.bootstrap.blueprints import bundled_blueprint, load_table
from tradekernel.bootstrap.commands.common import Catalog, data_inputs
from tradekernel.domain.errors import ConfigError, DataError
from tradekernel.domain.timeframes import timeframe_ms

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


def resolve_data(data: object, blueprint: LoadedBlueprint) -> tuple[LoadedBars, ...]:
    """Load `data`: a path, a DataFrame, or a mapping of blueprint symbol to either.

    None means what `--data` omitted means: the bundled bars for the bundled example.

    Raises:
        ConfigError: a value bound to no symbol, or a symbol given twice.
        DataError: bars the readers refuse, or not spaced by the blueprint's timeframe.
    """
    symbols = blueprint.settings.universe.symbols
    if data is None:
        return load_data(data_inputs([], blueprint), blueprint)
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
    loaded = list(load_data(data_inputs(paths, blueprint), blueprint)) if paths else []
    timeframe = blueprint.settings.timeframe
    for symbol, value in items:
        if _is_frame(value):
            bars = frame_bars(value, symbol)
            check_spacing(bars, timeframe, timeframe_ms(timeframe, file=blueprint.file))
            loaded.append(bars)
    order = {symbol: index for index, (symbol, _value) in enumerate(items)}
    return tuple(sorted(loaded, key=lambda bars: order[bars.series.symbol]))


def epoch_ms(value: TimeInput, name: str) -> int | None:
    """Return `value` (ISO text, a datetime, epoch ms; naive means UTC) as epoch ms.

    Raises:
        ConfigError: text that is not an ISO date or time, naming `name`.
    """
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            raise ConfigError(
                f"{value!r} is not an ISO date or time (e.g. 2024-01-01 or "
                "2024-01-01T12:00:00Z) nor epoch ms",
                path=name,
            ) from None
    if isinstance(value, dt.datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
        return int(aware.timestamp() * 1000)
    raise ConfigError(f"expected ISO text, a datetime or epoch ms, got {value!r}", path=name)


def slice_bars(bars: LoadedBars, start_ms: int | None, end_ms: int | None) -> LoadedBars:
    """Return the bars opening at or after `start_ms` and before `end_ms` (either optional).

    Raises:
        DataError: no bar falls in the range.
    """
    if start_ms is None and end_ms is None:
        return bars
    ts = bars.series.ts_ms
    first = 0 if start_ms is None else int(np.searchsorted(ts, start_ms, side="left"))
    stop = len(ts) if end_ms is None else int(np.searchsorted(ts, end_ms, side="left"))
    if stop <= first:
        raise DataError(
            f"no bar of {bars.series.symbol} between start {start_ms} and end {end_ms}",
            file=bars.report.file,
        )
    series = bars.series.window(first, stop)
    report = build_report(bars.report.file, series.ts_ms)
    # The slice is other data than the whole file: its fingerprint (and run id) says so.
    digest = hashlib.sha256(f"{bars.fingerprint}[{first}:{stop}]".encode()).hexdigest()
    return attrs.evolve(bars, series=series, report=report, fingerprint=digest)
