"""The replay job: load a recorded run, its data and a blueprint, and re-plan every cycle.

The run records come from the container's run reader. I/O only: the comparison itself
is `tradekernel.orchestration.cycle.replay`. The data is reloaded from the paths in the run
manifest's `data_sources` and checked against the sha256 the run recorded, so a replay
never decides on other bars than the run did.
"""

import json
import sys
import time
import tomllib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TextIO

import attrs

from tradekernel.adapters.config.blueprint_loader import (
    LoadedBlueprint,
    config_hash_of,
    parse_blueprint,
)
from tradekernel.adapters.data.sources import fit_to_timeframe, load_source
from tradekernel.adapters.reports.terminal import ProgressBar
from tradekernel.bootstrap.blueprints import load
from tradekernel.bootstrap.plugins import full_catalog
from tradekernel.bootstrap.time_window import cut_to_window
from tradekernel.bootstrap.wiring import RunIndex
from tradekernel.domain.enums import PluginKind
from tradekernel.domain.errors import ConfigError, DataError
from tradekernel.domain.plugin_spec import PluginSpec
from tradekernel.domain.ports.journal import JournalEntry, RunManifest
from tradekernel.domain.timeframes import timeframe_ms
from tradekernel.orchestration.cycle.replay import ReplayReport, replay_entries
from tradekernel.orchestration.factory.kernel_factory import build_kernel
from tradekernel.orchestration.kernel.planning_kernel import PlanningKernel
from tradekernel.orchestration.records.canonical import HASH_FORMAT_VERSION
from tradekernel.shared.bars import BarSeries

Catalog = dict[tuple[PluginKind, str], PluginSpec]
KernelBuilder = Callable[[LoadedBlueprint, Catalog], PlanningKernel]


def _default_kernel(blueprint: LoadedBlueprint, catalog: Catalog) -> PlanningKernel:
    return build_kernel(blueprint.settings, catalog)


@attrs.frozen(kw_only=True)
class DataSource:
    """Where a run's bars of one symbol came from, as its manifest recorded it."""

    symbol: str
    path: Path
    sha256: str
    start_ms: int | None = None
    end_ms: int | None = None


def parse_data_sources(manifest: RunManifest) -> dict[str, DataSource]:
    """Return the run's recorded data sources by symbol.

    Raises:
        ConfigError: the manifest's `data_sources` is not the documented JSON object, or is
            empty (a run recorded before data sources were stored).
    """
    where = f"run {manifest.run_id!r} data_sources"
    try:
        raw = json.loads(manifest.data_sources or "{}")
    except json.JSONDecodeError as error:
        raise ConfigError(f"{where} is not JSON: {error}", path="--run") from None
    if not isinstance(raw, dict) or not raw:
        raise ConfigError(
            f"{where} is empty: the run was recorded without its data files; "
            "re-run the backtest to replay it",
            path="--run",
        )
    sources: dict[str, DataSource] = {}
    for symbol, item in sorted(raw.items()):
        if not (
            isinstance(item, dict)
            and isinstance(item.get("path"), str)
            and isinstance(item.get("sha256"), str)
        ):
            raise ConfigError(f"{where}.{symbol} needs string path and sha256", path="--run")
        start, end = item.get("start_ms"), item.get("end_ms")
        sources[symbol] = DataSource(
            symbol=symbol,
            path=Path(item["path"]),
            sha256=item["sha256"],
            start_ms=start if isinstance(start, int) else None,
            end_ms=end if isinstance(end, int) else None,
        )
    return sources


def data_overrides(values: list[str]) -> dict[str, Path]:
    """Parse `--data SYMBOL=PATH` values. Raises ConfigError naming the bad value."""
    overrides: dict[str, Path] = {}
    for value in values:
        symbol, separator, path = value.partition("=")
        if not separator or not symbol or not path:
            raise ConfigError(f"--data {value}: write SYMBOL=PATH", path="--data")
        if symbol in overrides:
            raise ConfigError(f"--data gives {symbol} twice", path="--data")
        overrides[symbol] = Path(path)
    return overrides


def load_recorded_series(
    run_id: str,
    sources: Mapping[str, DataSource],
    overrides: Mapping[str, Path],
    timeframe: str | None = None,
) -> dict[str, BarSeries]:
    """Load each symbol's bars, refusing a missing file or one whose sha256 changed.

    With `timeframe`, finer bars are resampled to it as the run's `load_data` did.

    Raises:
        ConfigError: an override names a symbol the run did not trade, a file is gone, or
            its bytes are not the ones the run decided on (the message says how to fix it).
    """
    unknown = sorted(set(overrides) - set(sources))
    if unknown:
        raise ConfigError(
            f"--data {', '.join(unknown)}: run {run_id!r} traded only {', '.join(sources)}",
            path="--data",
        )
    series: dict[str, BarSeries] = {}
    for symbol, source in sources.items():
        path = overrides.get(symbol, source.path)
        hint = f"point at the file the run used with --data {symbol}=PATH"
        if not path.exists():
            raise ConfigError(
                f"data file of {symbol} for run {run_id!r} is missing: {path} "
                f"(moved or deleted?); {hint}",
                path="--data",
            )
        loaded = load_source(path, symbol)
        if loaded.fingerprint != source.sha256:
            raise ConfigError(
                f"data file of {symbol} for run {run_id!r} changed: {path} has sha256 "
                f"{loaded.fingerprint[:16]}..., the run recorded {source.sha256[:16]}...; "
                f"restore the original bytes or {hint}",
                path="--data",
            )
        if timeframe is not None:
            loaded = fit_to_timeframe(loaded, timeframe, timeframe_ms(timeframe))
        (cut,) = cut_to_window((loaded,), source.start_ms, source.end_ms)
        series[symbol] = cut.series
    return series


def recorded_blueprint(manifest: RunManifest) -> tuple[LoadedBlueprint, Catalog]:
    """Rebuild the blueprint a run recorded (its exact `config_text`), with its plugins.

    Raises:
        ConfigError: the run recorded no config, or the text no longer validates (e.g. a
            plugin module it names is not importable any more).
    """
    label = f"recorded config of run {manifest.run_id}"
    if not manifest.config_text.strip():
        raise ConfigError(
            f"run {manifest.run_id!r} recorded no config text; pass --config FILE", path="--run"
        )
    try:
        data = tomllib.loads(manifest.config_text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"invalid TOML: {error}", file=label) from None
    modules = data.pop("plugins", [])
    if not isinstance(modules, list) or not all(isinstance(m, str) for m in modules):
        raise ConfigError("expected a list of module names", path="plugins", file=label)
    try:
        catalog = full_catalog(modules)
        settings = parse_blueprint(data, catalog, file=label)
    except ConfigError as error:
        if error.file is None:
            raise ConfigError(error.message, path=error.path, file=label) from None
        raise
    loaded = LoadedBlueprint(
        settings=settings,
        config_hash=config_hash_of({**data, "plugins": modules}),
        text=manifest.config_text,
        file=label,
    )
    return loaded, catalog


def require_hash_format(manifest: RunManifest) -> None:
    """Refuse a run whose plans were written in another canonical-JSON hash format.

    Replay compares new plans with the recorded text byte for byte; across formats the
    bytes (and hashes) may differ for no reason in the plans themselves.

    Raises:
        DataError: the run recorded another hash-format version; the message names both.
    """
    recorded = manifest.hash_format_version
    if recorded != HASH_FORMAT_VERSION:
        raise DataError(
            f"run {manifest.run_id!r} recorded its plans under hash-format version "
            f"{recorded}, this tradekernel writes version {HASH_FORMAT_VERSION}: the plans "
            "cannot be compared; re-run the backtest to record them in this version"
        )


@attrs.frozen(kw_only=True, eq=False)
class ReplayOutcome:
    report: ReplayReport
    blueprint: LoadedBlueprint
    seconds: float


UniverseLists = tuple[tuple[str, ...], tuple[str, ...]]


def recorded_universe_lists(entries: Sequence[JournalEntry]) -> UniverseLists:
    """Return the (allow, deny) lists recorded in the first plan of a run (empty if none).

    Raises:
        DataError: the recorded plan is not JSON with string lists (a damaged record).
    """
    if not entries:
        return (), ()
    try:
        universe = json.loads(entries[0].plan_json).get("universe", {})
        allow, deny = universe.get("allow", []), universe.get("deny", [])
    except (json.JSONDecodeError, AttributeError) as error:
        raise DataError(
            f"cycle {entries[0].cycle_ts_ms}: recorded plan has no readable universe ({error})"
        ) from None
    if not all(isinstance(s, str) for s in (*allow, *deny)):
        raise DataError(f"cycle {entries[0].cycle_ts_ms}: recorded universe lists are not text")
    return tuple(allow), tuple(deny)


def run_replay(
    *,
    db_path: Path,
    reader_of: Callable[[], RunIndex],
    run_id: str | None = None,
    config: Path | None = None,
    data: Mapping[str, Path] | None = None,
    refine: Callable[[LoadedBlueprint, UniverseLists], LoadedBlueprint] | None = None,
    kernel_of: KernelBuilder | None = None,
    progress_stream: TextIO | None = sys.stderr,
) -> ReplayOutcome:
    """Replay a recorded run (default: the latest) with its own or a changed blueprint.

    `refine` gets the blueprint and the allow/deny lists the run's first recorded plan
    merged (config, list file and CLI), so a command can apply the run's own lists.
    `reader_of` opens the records of `db_path` (the container's `run_reader` provider),
    called only once the file is known to exist.

    Raises:
        ConfigError: the database, run, data files or blueprint cannot be used.
        DataError: the run's plans were recorded under another hash-format version, or
            a recorded context does not fit the reloaded data.
    """
    if not db_path.is_file():
        raise ConfigError(f"no database {db_path}; run a backtest first", path="--db")
    started = time.monotonic()
    reader = reader_of()
    chosen = run_id if run_id is not None else reader.latest_run_id()
    manifest = reader.run_manifest(chosen)
    entries = list(reader.plans(chosen))
    require_hash_format(manifest)
    blueprint, catalog = load(config) if config is not None else recorded_blueprint(manifest)
    if refine is not None:
        # e.g. the command merging --allow/--deny, as the backtest merged them.
        blueprint = refine(blueprint, recorded_universe_lists(entries))
    build = kernel_of if kernel_of is not None else _default_kernel
    kernel = build(blueprint, catalog)
    series = load_recorded_series(
        chosen, parse_data_sources(manifest), data or {}, blueprint.settings.timeframe
    )
    bar = (
        ProgressBar(len(entries), stream=progress_stream, now=time.monotonic, label="cycles")
        if progress_stream is not None
        else None
    )
    report = replay_entries(
        kernel,
        entries,
        series,
        run_id=chosen,
        progress=(lambda done, _total: bar.update(done)) if bar is not None else None,
    )
    if bar is not None:
        bar.close()
    return ReplayOutcome(report=report, blueprint=blueprint, seconds=time.monotonic() - started)
