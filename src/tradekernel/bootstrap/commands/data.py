"""`tradekernel data download | list | check`: fill and inspect the local bar store."""

import argparse
from pathlib import Path

from tradekernel.bootstrap.commands.common import add_store_argument
from tradekernel.bootstrap.commands.data_download import iso_minute, print_gaps, run_download

EXAMPLE = (
    "examples:\n"
    "  tradekernel data download --exchange binance --symbols BTC/USDT,ETH/USDT "
    "--timeframe 1m --start 2024-01-01\n"
    "  tradekernel data download --exchange binanceusdm --symbols XRP/USDT:USDT "
    "--timeframe 1h --mark --funding --start 2024-01-01\n"
    "  tradekernel data list\n"
    "  tradekernel data check\n"
    "  tradekernel backtest --config examples/live/fast_sma_1m.toml --data binance:BTC/USDT:1m"
)
DEFAULT_PAGE_SIZE = 1000
DEFAULT_FUNDING_INTERVAL = "8h"


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
    download.add_argument(
        "--timeframe", metavar="TF", help="e.g. 1m, 1h, 1d (not needed for --funding alone)"
    )
    download.add_argument(
        "--mark",
        action="store_true",
        help="the perpetual's mark-price bars instead of its traded bars (stored apart)",
    )
    download.add_argument(
        "--funding",
        action="store_true",
        help="the perpetual's funding-rate history too (alone without --timeframe)",
    )
    download.add_argument(
        "--funding-interval",
        default=DEFAULT_FUNDING_INTERVAL,
        metavar="TF",
        help=f"funding times are the venue's stamps floored to this (default "
        f"{DEFAULT_FUNDING_INTERVAL}, Binance's usual interval)",
    )
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
        help=f"bars or rates per request (default {DEFAULT_PAGE_SIZE}, Binance's maximum)",
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


def run_list(args: argparse.Namespace) -> int:
    from tradekernel.adapters.data.bar_store import ParquetBarStore
    from tradekernel.adapters.data.funding_store import ParquetFundingStore

    manifests = list(ParquetBarStore(args.store).manifests())
    funding = list(ParquetFundingStore(args.store).manifests())
    if not manifests and not funding:
        print(f"no series stored in {args.store}")
        return 0
    for manifest in manifests:
        print(f"{manifest.key.name}: {manifest.bars} bars, covering {_ranges(manifest.covered)}")
        print_gaps(manifest)
    for history in funding:
        print(f"{history.key.name}: {history.rates} rates, covering {_ranges(history.covered)}")
        print_gaps(history)
    return 0


def run_check(args: argparse.Namespace) -> int:
    from tradekernel.adapters.data.bar_store import ParquetBarStore
    from tradekernel.adapters.data.funding_store import ParquetFundingStore
    from tradekernel.adapters.data.perpetual_reader import check_stored_funding
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
    funding_store = ParquetFundingStore(args.store)
    histories = list(funding_store.manifests())
    for history in histories:
        try:
            rates = check_stored_funding(funding_store, history)
        except DataError as error:
            bad += 1
            print(f"{history.key.name}: BAD {error}")
            continue
        missing = f", {history.missing_times} missing funding times" if history.gaps else ""
        print(f"{history.key.name}: ok, {rates} rates{missing}")
    print(f"checked {len(manifests) + len(histories)} series in {args.store}, {bad} bad")
    return 1 if bad else 0


def _ranges(covered: tuple[tuple[int, int], ...]) -> str:
    return ", ".join(f"{iso_minute(a)} -> {iso_minute(b)}" for a, b in covered) or "none"
