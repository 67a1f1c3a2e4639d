"""The bundled Binance XRP/USDT perpetual data (tests/data/README.md), read for the tests."""

import csv
from decimal import Decimal
from pathlib import Path

from tradekernel.domain.market import Bar

DATA = Path(__file__).resolve().parents[3] / "data"
SYMBOL = "XRP/USDT"


def read_bars(name: str) -> list[Bar]:
    with (DATA / name).open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [
        Bar(
            symbol=SYMBOL,
            ts_ms=int(row["timestamp_ms"]),
            open=Decimal(row["open"]),
            high=Decimal(row["high"]),
            low=Decimal(row["low"]),
            close=Decimal(row["close"]),
            volume=Decimal(row["volume"]),
        )
        for row in rows
    ]


def perp_bars() -> list[Bar]:
    return read_bars("binance_XRP-USDT-PERP_1h.csv")


def mark_bars() -> list[Bar]:
    return read_bars("binance_XRP-USDT-PERP_1h_mark.csv")


FUNDING_FILE = DATA / "binance_XRP-USDT-PERP_funding_8h.csv"
