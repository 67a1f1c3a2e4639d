"""Where a perpetual blueprint's funding rates and mark prices come from.

`perpetual_sources` is the one place a source is chosen: `[account] funding_files` (a CSV
per symbol), else `funding_rate` (a constant), else no funding; `mark_price_files` (bars
per symbol), else the symbol's own bars are the mark. A file is named relative to the
blueprint's directory, or `bundled:NAME` for one shipped in `tradekernel/data`. A further
source (the data store) is one more branch here. The container's
`factories.simulated_venue` builds the perpetual venue with them.
"""

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from pathlib import Path

import attrs

from tradekernel.adapters.backtest.funding import FundingSchedule, read_funding_csv
from tradekernel.adapters.config.blueprint_loader import LoadedBlueprint
from tradekernel.adapters.data.bundled import bundled_path
from tradekernel.adapters.data.sources import fit_to_timeframe, load_source
from tradekernel.bootstrap.perpetual_account import perpetual_terms
from tradekernel.domain.errors import ConfigError, DataError
from tradekernel.domain.market import Bar
from tradekernel.domain.timeframes import timeframe_ms

BUNDLED = "bundled:"


@attrs.frozen(kw_only=True)
class PerpetualSources:
    """The funding schedule and the mark-price bars of each symbol that has them."""

    funding: FundingSchedule
    marks: Mapping[str, Sequence[Bar]]


def perpetual_sources(blueprint: LoadedBlueprint) -> PerpetualSources:
    """Resolve a perpetual blueprint's funding rates and mark-price bars.

    Raises:
        ConfigError: a funding or mark file is missing, unreadable, or names a symbol
            outside the universe; the error names its `account.` key and the blueprint.
    """
    settings, file = blueprint.settings, blueprint.file
    account = settings.account
    interval = perpetual_terms(account, file).funding_interval_ms
    length = timeframe_ms(settings.timeframe, file=file)
    rates: dict[str, Mapping[int, Decimal]] = {}
    for symbol, path in _paths("funding_files", account.funding_files, blueprint):
        with _named("funding_files", symbol, blueprint):
            rates[symbol] = read_funding_csv(path, interval)
    marks: dict[str, Sequence[Bar]] = {}
    for symbol, path in _paths("mark_price_files", account.mark_price_files, blueprint):
        with _named("mark_price_files", symbol, blueprint):
            loaded = fit_to_timeframe(load_source(path, symbol), settings.timeframe, length)
            marks[symbol] = [loaded.series.bar_at(i) for i in range(len(loaded.series))]
    return PerpetualSources(
        funding=FundingSchedule(rates=rates, constant=account.funding_rate), marks=marks
    )


def _paths(
    key: str, files: Mapping[str, str], blueprint: LoadedBlueprint
) -> list[tuple[str, Path]]:
    """Return each symbol's file, sorted by symbol.

    A name is relative to the blueprint's directory, or `bundled:NAME` for a file shipped
    in `tradekernel/data` (the bundled examples' funding and mark files).
    """
    universe = blueprint.settings.universe.symbols
    found = []
    for symbol in sorted(files):
        where = f'account.{key}."{symbol}"'
        if symbol not in universe:
            raise ConfigError(
                f"{symbol} is not a universe symbol ({', '.join(universe)})",
                path=where,
                file=blueprint.file,
            )
        name = files[symbol]
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
