"""The loopback fake Binance, extended with the public USDⓈ-M endpoints `data download`
reads for a perpetual: `/fapi/v1/exchangeInfo`, `/fapi/v1/fundingRate`,
`/fapi/v1/markPriceKlines` and `/fapi/v1/klines`, serving the bundled real XRP/USDT
perpetual data (tests/data) for ccxt's real `binanceusdm` class.

Payload shapes are Binance's: a funding entry is `{"symbol", "fundingTime" (the venue's
stamp, a few ms after the funding time), "fundingRate" (an 8-decimal string)}` (USDⓈ-M
"Get Funding Rate History", as ccxt's `parse_funding_rate_history` reads it); a mark-price
kline is a kline row with volume "0".
"""

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from tests.integration.ccxt.fake_binance import FakeBinance, Fault
from tests.integration.data.binance_klines import DATA, HOUR, kline_rows
from typing_extensions import override

USDM_INFO = Path(__file__).parent / "data" / "binance_usdm_exchange_info.json"
FUNDING_CSV = DATA / "binance_XRP-USDT-PERP_funding_8h.csv"
MARK_CSV = DATA / "binance_XRP-USDT-PERP_1h_mark.csv"
TRADE_CSV = DATA / "binance_XRP-USDT-PERP_1h.csv"
FUNDING_PATH = "/fapi/v1/fundingRate"
MARK_PATH = "/fapi/v1/markPriceKlines"
# Binance answers 100 funding entries when no limit is given, 1000 at most.
_DEFAULT_FUNDING_LIMIT = 100

__all__ = ["FUNDING_PATH", "MARK_PATH", "FakeBinanceUsdm", "Fault", "funding_rows"]


def funding_rows(csv: Path) -> list[dict[str, Any]]:
    """Binance funding-history entries of a `timestamp_ms,funding_rate` file."""
    rows = []
    for line in csv.read_text().splitlines()[1:]:
        stamp, rate = line.split(",")
        text = f"{Decimal(rate):.8f}"  # Binance writes rates with 8 decimals: "0.00010000"
        rows.append({"symbol": "XRPUSDT", "fundingTime": int(stamp), "fundingRate": text})
    return rows


class FakeBinanceUsdm(FakeBinance):
    """`FakeBinance` that also answers the public USDⓈ-M market-data endpoints."""

    def __init__(self, *, api_key: str, secret: str) -> None:
        super().__init__(api_key=api_key, secret=secret)
        self._usdm_info = json.loads(USDM_INFO.read_text())
        self.funding: dict[str, list[dict[str, Any]]] = {"XRPUSDT": funding_rows(FUNDING_CSV)}
        self.mark_klines = {"XRPUSDT": kline_rows(MARK_CSV, HOUR)}
        self.usdm_klines = {"XRPUSDT": kline_rows(TRADE_CSV, HOUR)}

    @override
    def route(self, method: str, path: str, params: dict[str, str], fault: Fault | None) -> Any:
        if path == "/fapi/v1/ping":
            return {}
        if path == "/fapi/v1/exchangeInfo":
            return {**self._usdm_info, "serverTime": self.now_ms()}
        if path == FUNDING_PATH:
            rows = self.funding.get(params.get("symbol", ""), [])
            start = int(params.get("startTime", 0))
            limit = int(params.get("limit", _DEFAULT_FUNDING_LIMIT))
            return [row for row in rows if row["fundingTime"] >= start][:limit]
        if path in (MARK_PATH, "/fapi/v1/klines"):
            table = self.mark_klines if path == MARK_PATH else self.usdm_klines
            rows = table.get(params["symbol"], [])
            start = int(params.get("startTime", 0))
            return [row for row in rows if row[0] >= start][: int(params.get("limit", 500))]
        return super().route(method, path, params, fault)
