"""`tradekernel data download`: bars, mark-price bars and funding rates into the store."""

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from tradekernel.domain.errors import ConfigError

if TYPE_CHECKING:
    from tradekernel.adapters.ccxt.config import CcxtSettings
    from tradekernel.adapters.data.bar_store import SeriesManifest
    from tradekernel.adapters.data.funding_store import FundingManifest

GAPS_SHOWN = 5


def parse_time_ms(text: str, *, path: str) -> int:
    """Return epoch ms of an ISO 8601 time (UTC when it names no zone) or of epoch ms.

    Raises:
        ConfigError: neither form.
    """
    from datetime import UTC, datetime

    stripped = text.strip()
    if stripped.isdigit():
        return int(stripped)
    try:
        moment = datetime.fromisoformat(stripped)
    except ValueError:
        raise ConfigError(
            f"expected an ISO 8601 time (2024-01-01, 2024-01-01T12:00Z) or epoch ms, got {text!r}",
            path=path,
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


def exchange_settings(exchange: str, config: Path | None) -> "CcxtSettings":
    """Return the `[ccxt]` settings of `config` (defaults without it) for `exchange`.

    Raises:
        ConfigError: the file or its table is invalid, or names another exchange.
    """
    import attrs

    from tradekernel.adapters.ccxt.config import CcxtSettings
    from tradekernel.adapters.config.converter import strict_converter, structure
    from tradekernel.adapters.config.toml_file import read_toml

    if config is None:
        return CcxtSettings(exchange_id=exchange)
    _, document = read_toml(config)
    table = document.get("ccxt", {})
    settings = structure(strict_converter(), table, CcxtSettings, path="ccxt", file=str(config))
    if "exchange_id" in table and settings.exchange_id != exchange:
        raise ConfigError(
            f"the config names exchange {settings.exchange_id!r}, --exchange says {exchange!r}",
            path="ccxt.exchange_id",
            file=str(config),
        )
    return attrs.evolve(settings, exchange_id=exchange)


def _symbols(args: argparse.Namespace) -> list[str]:
    symbols = [s.strip().upper() for s in args.symbols.split(",") if s.strip()]
    if not symbols:
        raise ConfigError("no symbols given", path="--symbols")
    swaps = [s for s in symbols if ":" in s]
    for option, wanted in (("--funding", args.funding), ("--mark", args.mark)):
        spot = next((s for s in symbols if ":" not in s), None)
        if wanted and spot is not None:
            raise ConfigError(
                f"{spot} is a spot symbol; funding rates and mark prices exist for perpetuals, "
                f"written with their settle currency (e.g. {spot}:{spot.partition('/')[2]})",
                path=option,
            )
    if swaps and len(swaps) != len(symbols):
        raise ConfigError("spot and perpetual symbols mixed: download them apart", path="--symbols")
    return symbols


def run_download(args: argparse.Namespace) -> int:
    import os
    import sys
    import time

    import attrs

    from tradekernel.adapters.ccxt.config import MarketType
    from tradekernel.adapters.clock.system import SystemClock
    from tradekernel.adapters.data.bar_store import ParquetBarStore
    from tradekernel.adapters.data.funding_store import FundingKey, ParquetFundingStore
    from tradekernel.adapters.data.series_name import MARK_PRICE, TRADE_PRICE, SeriesKey
    from tradekernel.adapters.data.time_ranges import subtract_ranges
    from tradekernel.adapters.reports.terminal import ProgressBar
    from tradekernel.bootstrap.container import download_container
    from tradekernel.bootstrap.download_job import (
        download_funding,
        download_series,
        funding_range,
        missing_ranges,
        wanted_range,
    )
    from tradekernel.domain.timeframes import timeframe_ms

    if args.timeframe is None and not args.funding:
        raise ConfigError("required (unless --funding alone is wanted)", path="--timeframe")
    if args.timeframe is not None:
        timeframe_ms(args.timeframe, path="--timeframe")
    timeframe_ms(args.funding_interval, path="--funding-interval")
    if args.page_size < 1:
        raise ConfigError(f"must be at least 1, got {args.page_size}", path="--page-size")
    start = parse_time_ms(args.start, path="--start")
    end = None if args.end is None else parse_time_ms(args.end, path="--end")
    if end is not None and end <= start:
        raise ConfigError("--end must be after --start", path="--end")
    symbols = _symbols(args)
    settings = exchange_settings(args.exchange.lower(), args.exchange_config)
    if ":" in symbols[0]:  # ccxt's symbols say the market type: a swap has a settle currency
        settings = attrs.evolve(settings, market_type=MarketType.SWAP)
    store, funding_store = ParquetBarStore(args.store), ParquetFundingStore(args.store)
    now_ms = SystemClock().now_ms()
    price = MARK_PRICE if args.mark else TRADE_PRICE
    keys = [
        SeriesKey(exchange=settings.exchange_id, symbol=s, timeframe=args.timeframe, price=price)
        for s in symbols
        if args.timeframe is not None
    ]
    funding_keys = [
        FundingKey(exchange=settings.exchange_id, symbol=s, interval=args.funding_interval)
        for s in symbols
        if args.funding
    ]
    wanted = {key: wanted_range(key, start, end, now_ms) for key in keys}
    funding_wanted = {key: funding_range(key, start, end, now_ms) for key in funding_keys}
    total = sum(
        (high - low) // key.timeframe_ms
        for key in keys
        for low, high in missing_ranges(store, key, wanted[key])
    ) + sum(
        (high - low) // key.interval_ms
        for key in funding_keys
        for low, high in subtract_ranges(funding_wanted[key], funding_store.manifest(key).covered)
    )
    container = download_container(settings, os.environ)
    market = container.download_market_data()
    progress = (
        ProgressBar(total, stream=sys.stderr, now=time.monotonic, label="download", min_seconds=0.0)
        if not args.quiet
        else None
    )
    advance = progress.advance if progress is not None else lambda count: None
    outcomes, funding_outcomes = [], []
    try:
        for symbol in symbols:
            # An unknown symbol, or a venue without the history asked for: one line, no paging.
            market.require_symbol(symbol, funding=args.funding, mark=args.mark)
        fetcher = market.mark_bars() if args.mark else market
        for key in keys:
            outcomes.append(
                download_series(
                    fetcher, store, key, wanted[key], page_size=args.page_size, on_bars=advance
                )
            )
        for funding_key in funding_keys:
            funding_outcomes.append(
                download_funding(
                    market,
                    funding_store,
                    funding_key,
                    funding_wanted[funding_key],
                    page_size=args.page_size,
                    on_rates=advance,
                )
            )
    finally:
        if progress is not None:
            progress.close()
        container.shutdown_resources()
    for outcome in outcomes:
        print(
            f"{outcome.key.name}: {outcome.fetched_bars} bars fetched in {outcome.pages} "
            f"request(s); stored {outcome.manifest.bars} bars"
        )
        print_gaps(outcome.manifest)
    for funding in funding_outcomes:
        print(
            f"{funding.key.name}: {funding.fetched_rates} rates fetched in {funding.pages} "
            f"request(s); stored {funding.manifest.rates} rates"
        )
        print_gaps(funding.manifest)
    print(f"store    {args.store}")
    return 0


def print_gaps(manifest: "SeriesManifest | FundingManifest") -> None:
    """Print a stored series' gaps (missing bars or funding times), the first few of them."""
    from tradekernel.adapters.data.bar_store import SeriesManifest

    if not manifest.gaps:
        print("  no gaps")
        return
    if isinstance(manifest, SeriesManifest):
        missing = f"{manifest.missing_bars} missing bars"
    else:
        missing = f"{manifest.missing_times} missing funding times"
    print(f"  {missing} in {len(manifest.gaps)} gap(s) (not filled):")
    for start, end in manifest.gaps[:GAPS_SHOWN]:
        print(f"    {iso_minute(start)} -> {iso_minute(end)}")
    if len(manifest.gaps) > GAPS_SHOWN:
        print(f"    ... and {len(manifest.gaps) - GAPS_SHOWN} more")


def iso_minute(ms: int) -> str:
    """Return epoch ms as `YYYY-MM-DDTHH:MMZ` (UTC)."""
    from datetime import UTC, datetime

    return datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%Y-%m-%dT%H:%MZ")
