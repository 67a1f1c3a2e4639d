"""Where a perpetual blueprint's funding rates and mark prices come from.

`perpetual_sources` is the one place a source is chosen: `[account] funding_files` (a CSV
per symbol, or the data store), else `funding_rate` (a constant), else no funding;
`mark_price_files` (bars per symbol, or the store's mark-price series), else the symbol's
own bars are the mark. A file is named relative to the blueprint's directory, or
`bundled:NAME` for one shipped in `tradekernel/data`; `store:EXCHANGE:SYMBOL` (funding)
and `store:EXCHANGE:SYMBOL:TIMEFRAME` (marks) read what `tradekernel data download
--funding` / `--mark` stored in the run's store directory (`--store`, default `./data`).
The container's `factories.simulated_venue` builds the perpetual venue with them.
"""

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from pathlib import Path

import attrs

from tradekernel.adapters.backtest.funding import FundingSchedule, read_funding_csv
from tradekernel.adapters.config.blueprint_loader import LoadedBlueprint
from tradekernel.adapters.data.bar_store import DEFAULT_STORE
from tradekernel.adapters.data.bundled import bundled_path
from tradekernel.adapters.data.perpetual_reader import load_stored_funding, load_stored_mark_bars
from tradekernel.adapters.data.sources import fit_to_timeframe, load_source
from tradekernel.bootstrap.perpetual_account import perpetual_terms
from tradekernel.domain.errors import ConfigError, DataError
from tradekernel.domain.market import Bar
from tradekernel.domain.timeframes import timeframe_ms

BUNDLED = "bundled:"
STORED = "store:"


@attrs.frozen(kw_only=True)
class PerpetualSources:
    """The funding schedule and the mark-price bars of each symbol that has them."""

    funding: FundingSchedule
    marks: Mapping[str, Sequence[Bar]]


def perpetual_sources(blueprint: LoadedBlueprint, store: Path | None = None) -> PerpetualSources:
    """Resolve a perpetual blueprint's funding rates and mark-price bars.

    `store` is the data store `store:` sources read (None: `./data`).

    Raises:
        ConfigError: a funding or mark file is missing, unreadable, or names a symbol
            outside the universe, or a stored series is missing or refused; the error
            names its `account.` key and the blueprint.
    """
    settings, file = blueprint.settings, blueprint.file
    account = settings.account
    interval_hours = account.funding_interval_hours
    interval = perpetual_terms(account, file).funding_interval_ms
    length = timeframe_ms(settings.timeframe, file=file)
    store = store or DEFAULT_STORE
    rates: dict[str, Mapping[int, Decimal]] = {}
    for symbol, source in _sources("funding_files", account.funding_files, blueprint):
        with _named("funding_files", symbol, blueprint):
            if isinstance(source, Path):
                rates[symbol] = read_funding_csv(source, interval)
            else:
                exchange, _, name = source.partition(":")
                rates[symbol] = load_stored_funding(
                    store, exchange=exchange, symbol=name, interval=f"{interval_hours}h"
                )
    marks: dict[str, Sequence[Bar]] = {}
    for symbol, source in _sources("mark_price_files", account.mark_price_files, blueprint):
        with _named("mark_price_files", symbol, blueprint):
            if isinstance(source, Path):
                loaded = load_source(source, symbol)
            else:
                exchange, _, rest = source.partition(":")
                name, _, timeframe = rest.rpartition(":")
                loaded = load_stored_mark_bars(
                    store, exchange=exchange, symbol=name, timeframe=timeframe, as_symbol=symbol
                )
            loaded = fit_to_timeframe(loaded, settings.timeframe, length)
            marks[symbol] = [loaded.series.bar_at(i) for i in range(len(loaded.series))]
    return PerpetualSources(
        funding=FundingSchedule(rates=rates, constant=account.funding_rate), marks=marks
    )


def _sources(
    key: str, files: Mapping[str, str], blueprint: LoadedBlueprint
) -> list[tuple[str, Path | str]]:
    """Return each symbol's file, or its stored series' name after `store:`, by symbol.

    A name is relative to the blueprint's directory, `bundled:NAME` for a file shipped
    in `tradekernel/data` (the bundled examples' funding and mark files), or
    `store:...` for a series of the data store.
    """
    universe = blueprint.settings.universe.symbols
    found: list[tuple[str, Path | str]] = []
    for symbol in sorted(files):
        where = f'account.{key}."{symbol}"'
        if symbol not in universe:
            raise ConfigError(
                f"{symbol} is not a universe symbol ({', '.join(universe)})",
                path=where,
                file=blueprint.file,
            )
        name = files[symbol]
        if name.startswith(STORED):
            stored = name.removeprefix(STORED)
            if ":" not in stored:
                raise ConfigError(
                    f"{name!r} names no series: write store:EXCHANGE:SYMBOL for funding, "
                    "store:EXCHANGE:SYMBOL:TIMEFRAME for mark prices",
                    path=where,
                    file=blueprint.file,
                )
            found.append((symbol, stored))
            continue
        if name.startswith(BUNDLED):
            with _named(key, symbol, blueprint):
                path = bundled_path(name.removeprefix(BUNDLED))
        else:
            path = Path(blueprint.file).parent / name
        if not path.is_file():
            raise ConfigError(f"no such file: {path}", path=where, file=blueprint.file)
        found.append((symbol, path))
    return found


@contextlib.contextmanager
def _named(key: str, symbol: str, blueprint: LoadedBlueprint) -> Iterator[None]:
    """Turn a reader's refusal into a config error naming the key and the blueprint."""
    try:
        yield
    except (ValueError, DataError) as error:
        raise ConfigError(
            str(error), path=f'account.{key}."{symbol}"', file=blueprint.file
        ) from None
