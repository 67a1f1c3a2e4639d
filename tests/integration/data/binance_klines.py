"""The loopback fake Binance serving real candles (tests/data) as `/api/v3/klines`, with
an ETH/BTC market added to its exchange info, and a fetcher that can be told to fail."""

import copy
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from tests.integration.ccxt.fake_binance import FakeBinance

from tradekernel.adapters.ccxt.market_data import CcxtMarketData
from tradekernel.domain.market import Bar

DATA = Path(__file__).resolve().parents[2] / "data"
SOURCE = DATA / "binance_ETH-BTC_1h.csv"
HOUR = 3_600_000


def kline_rows(csv: Path, step_ms: int) -> list[list[Any]]:
    """Binance kline rows of a CSV of bars, its numbers kept as the exact strings."""
    rows = []
    for line in csv.read_text().splitlines()[1:]:
        ts, o, h, low, c, v = line.split(",")
        open_ms = int(ts)
        rows.append([open_ms, o, h, low, c, v, open_ms + step_ms - 1, "0", 1, "0", "0", "0"])
    return rows


def download_argv(config: Path, store: Path, end: str = "2020-05-17T18:00Z") -> list[str]:
    """`tradekernel data download` of every ETH/BTC bar of SOURCE, 100 bars a page."""
    argv = ["data", "download", "--exchange", "binance", "--symbols", "ETH/BTC"]
    argv += ["--timeframe", "1h", "--start", "2020-04-26T23:00Z", "--end", end]
    argv += ["--page-size", "100", "--exchange-config", str(config), "--store", str(store)]
    return [*argv, "--quiet"]


def add_eth_btc(venue: FakeBinance) -> None:
    """List ETHBTC (a copy of ETHUSDT's rules, quoted in BTC) on the venue."""
    entry = copy.deepcopy(next(s for s in venue._info["symbols"] if s["symbol"] == "ETHUSDT"))
    entry.update(symbol="ETHBTC", quoteAsset="BTC")
    venue._info["symbols"].append(entry)
    venue._markets["ETHBTC"] = entry


class ScriptedFetcher:
    """Fetch through the real adapter; before call N run `before[N]` (fault or kill)."""

    def __init__(
        self, market: CcxtMarketData, before: dict[int, Callable[[], None]] | None = None
    ) -> None:
        self.market = market
        self.before = before or {}
        self.calls = 0

    def fetch_bars(self, symbol: str, timeframe: str, since_ms: int, limit: int) -> Sequence[Bar]:
        self.calls += 1
        action = self.before.get(self.calls)
        if action is not None:
            action()
        return self.market.fetch_bars(symbol, timeframe, since_ms, limit)
