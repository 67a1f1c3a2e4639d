"""`tradekernel data download | list | check`: fill and inspect the local bar store."""

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from tradekernel.bootstrap.commands.common import add_store_argument
from tradekernel.domain.errors import ConfigError

if TYPE_CHECKING:
    from tradekernel.adapters.ccxt.config import CcxtSettings
    from tradekernel.adapters.data.bar_store import SeriesManifest

EXAMPLE = (
    "examples:\n"
    "  tradekernel data download --exchange binance --symbols BTC/USDT,ETH/USDT "
    "--timeframe 1m --start 2024-01-01\n"
    "  tradekernel data list\n"
    "  tradekernel data check\n"
    "  tradekernel backtest --config examples/live/fast_sma_1m.toml --data binance:BTC/USDT:1m"
)
DEFAULT_PAGE_SIZE = 1000
GAPS_SHOWN = 5


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add `data download`, `data list` and `data check` to the CLI."""
    group = subparsers.add_parser(
        "data",
        help="download bars into the local store, list and check it",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = group.add_subparsers(dest="data_command", metavar="ACTION")
    download = actions.add_parser(
        "download",
        help="fetch closed bars from an exchange (ccxt) into the store; resumable",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    download.add_argument("--exchange", required=True, help="ccxt exchange id, e.g. binance")
    download.add_argument(
        "--symbols", required=True, metavar="LIST", help="comma-separated, e.g. BTC/USDT,ETH/USDT"
    )
    download.add_argument("--timeframe", required=True, metavar="TF", help="e.g. 1m, 1h, 1d")
    download.add_argument(
        "--start", required=True, metavar="TIME", help="ISO 8601 (UTC if no zone) or epoch ms"
    )
    download.add_argument(
        "--end", metavar="TIME", help="exclusive; default: the last closed bar (same formats)"
    )
    download.add_argument(
        "--exchange-config",
        type=Path,
        metavar="FILE",
        help="a TOML file whose [ccxt] table (as in the live config) sets testnet, "
        "api_base_url, timeouts, retries and the key variables",
    )
    download.add_argument(
        "--page-size",
        type=int,
        default=DEFAULT_PAGE_SIZE,
        metavar="N",
        help=f"bars per request (default {DEFAULT_PAGE_SIZE}, Binance's maximum)",
    )
    download.add_argument("--quiet", action="store_true", help="no progress bar")
    add_store_argument(download)
    download.set_defaults(handler=run_download)
    listing = actions.add_parser(
        "list",
        help="show stored series: ranges, bar counts, gaps",
        epilog="example:\n  tradekernel data list --store data/",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_store_argument(listing)
    listing.set_defaults(handler=run_list)
    check = actions.add_parser(
        "check",
        help="validate every stored series with the CSV reader's rules; exit 1 if bad",
        epilog="example:\n  tradekernel data check --store data/",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_store_argument(check)
    check.set_defaults(handler=run_check)


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


def run_download(args: argparse.Namespace) -> int:
    import os
    import sys
    import time

    from tradekernel.adapters.clock.system import SystemClock
    from tradekernel.adapters.data.bar_store import ParquetBarStore
    from tradekernel.adapters.data.series_name import SeriesKey
    from tradekernel.adapters.reports.terminal import ProgressBar
    from tradekernel.bootstrap.container import download_container
    from tradekernel.bootstrap.download_job import download_series, missing_ranges, wanted_range
    from tradekernel.domain.timeframes import timeframe_ms

    timeframe_ms(args.timeframe, path="--timeframe")
    if args.page_size < 1:
        raise ConfigError(f"must be at least 1, got {args.page_size}", path="--page-size")
    start = parse_time_ms(args.start, path="--start")
    end = None if args.end is None else parse_time_ms(args.end, path="--end")
    if end is not None and end <= start:
        raise ConfigError("--end must be after --start", path="--end")
    symbols = [s.strip().upper() for s in args.symbols.split(",") if s.strip()]
    if not symbols:
        raise ConfigError("no symbols given", path="--symbols")
    settings = exchange_settings(args.exchange.lower(), args.exchange_config)
    store = ParquetBarStore(args.store)
    now_ms = SystemClock().now_ms()
    keys = [
        SeriesKey(exchange=settings.exchange_id, symbol=s, timeframe=args.timeframe)
        for s in symbols
    ]
    wanted = {key: wanted_range(key, start, end, now_ms) for key in keys}
    total = sum(
        (high - low) // key.timeframe_ms
        for key in keys
        for low, high in missing_ranges(store, key, wanted[key])
    )
    container = download_container(settings, os.environ)
    market = container.download_market_data()
    progress = (
        ProgressBar(total, stream=sys.stderr, now=time.monotonic, label="download", min_seconds=0.0)
        if not args.quiet
        else None
    )
    outcomes = []
    try:
        for key in keys:
            market.symbol_rules(key.symbol)  # an unknown symbol: one DataError, before paging
        for key in keys:
            outcomes.append(
                download_series(
                    market,
                    store,
                    key,
                    wanted[key],
                    page_size=args.page_size,
                    on_bars=progress.advance if progress is not None else lambda count: None,
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
        _print_gaps(outcome.manifest)
    print(f"store    {args.store}")
    return 0


def run_list(args: argparse.Namespace) -> int:
    from tradekernel.adapters.data.bar_store import ParquetBarStore

    manifests = list(ParquetBarStore(args.store).manifests())
    if not manifests:
        print(f"no series stored in {args.store}")
        return 0
    for manifest in manifests:
        ranges = ", ".join(f"{_iso(a)} -> {_iso(b)}" for a, b in manifest.covered) or "none"
        print(f"{manifest.key.name}: {manifest.bars} bars, covering {ranges}")
        _print_gaps(manifest)
    return 0


def run_check(args: argparse.Namespace) -> int:
    from tradekernel.adapters.data.bar_store import ParquetBarStore
    from tradekernel.adapters.data.store_reader import check_stored_series
    from tradekernel.domain.errors import DataError

    store = ParquetBarStore(args.store)
    manifests = list(store.manifests())
    bad = 0
    for manifest in manifests:
        try:
            loaded = check_stored_series(store, manifest)
        except DataError as error:
            bad += 1
            print(f"{manifest.key.name}: BAD {error}")
            continue
        print(f"{manifest.key.name}: ok, {loaded.report.rows} bars")
    print(f"checked {len(manifests)} series in {args.store}, {bad} bad")
    return 1 if bad else 0


def _print_gaps(manifest: "SeriesManifest") -> None:
    if not manifest.gaps:
        print("  no gaps")
        return
    print(f"  {manifest.missing_bars} missing bars in {len(manifest.gaps)} gap(s) (not filled):")
    for start, end in manifest.gaps[:GAPS_SHOWN]:
        print(f"    {_iso(start)} -> {_iso(end)}")
    if len(manifest.gaps) > GAPS_SHOWN:
        print(f"    ... and {len(manifest.gaps) - GAPS_SHOWN} more")


def _iso(ms: int) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%Y-%m-%dT%H:%MZ")
