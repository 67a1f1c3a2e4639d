"""Funding and mark prices read from the data store run the same backtest as the files.

The bundled example names its funding and mark CSVs; the same rates and mark bars written
into a store (as `tradekernel data download --funding --mark` leaves them) and named
`store:...` must give the same run, figure for figure. A missing stored series is a config
error naming the key (exit 2).
"""

import json
from decimal import Decimal
from pathlib import Path

import pytest

from tradekernel.adapters.data.bar_store import ParquetBarStore
from tradekernel.adapters.data.bundled import bundled_path
from tradekernel.adapters.data.funding_store import FundingKey, ParquetFundingStore
from tradekernel.adapters.data.loader import load_bars
from tradekernel.adapters.data.series_name import MARK_PRICE, SeriesKey
from tradekernel.bootstrap.cli import main
from tradekernel.domain.perpetuals import FundingRate

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "perpetual_sma_cross.toml"
BARS = bundled_path("binance_XRP-USDT-PERP_1h.csv")
FUNDING = bundled_path("binance_XRP-USDT-PERP_funding_8h.csv")
MARKS = bundled_path("binance_XRP-USDT-PERP_1h_mark.csv")
VENUE_SYMBOL = "XRP/USDT:USDT"
HOUR = 3_600_000


def _fill_store(root: Path) -> None:
    rows = [line.split(",") for line in FUNDING.read_text().splitlines()[1:]]
    rates = [FundingRate(symbol=VENUE_SYMBOL, ts_ms=int(ts), rate=Decimal(r)) for ts, r in rows]
    step = 8 * HOUR
    start = rates[0].ts_ms - rates[0].ts_ms % step
    end = rates[-1].ts_ms - rates[-1].ts_ms % step + step
    key = FundingKey(exchange="binanceusdm", symbol=VENUE_SYMBOL, interval="8h")
    ParquetFundingStore(root).append(key, rates, (start, end))
    marks = load_bars(MARKS, VENUE_SYMBOL).series
    values = [
        [marks.open.item(i), marks.high.item(i), marks.low.item(i), marks.close.item(i), 0.0]
        for i in range(len(marks))
    ]
    mark_key = SeriesKey(
        exchange="binanceusdm", symbol=VENUE_SYMBOL, timeframe="1h", price=MARK_PRICE
    )
    stamps = [int(t) for t in marks.ts_ms.tolist()]
    ParquetBarStore(root).append(mark_key, stamps, values, (stamps[0], stamps[-1] + HOUR))


def _blueprint(tmp_path: Path, funding: str, marks: str) -> Path:
    text = EXAMPLE.read_text()
    text = text.replace('"bundled:binance_XRP-USDT-PERP_funding_8h.csv"', f'"{funding}"')
    text = text.replace('"bundled:binance_XRP-USDT-PERP_1h_mark.csv"', f'"{marks}"')
    path = tmp_path / "stored.toml"
    path.write_text(text)
    return path


def _summary(blueprint: Path, out: Path, store: Path) -> dict[str, object]:
    code = main(
        [
            "backtest",
            "--quiet",
            "--config",
            str(blueprint),
            "--data",
            f"XRP/USDT={BARS}",
            "--store",
            str(store),
            "--db",
            str(out.with_suffix(".db")),
            "--out",
            str(out),
        ]
    )
    assert code == 0
    summary: dict[str, object] = json.loads((out / "summary.json").read_text())
    return summary


def test_stored_funding_and_marks_run_as_the_files_do(tmp_path: Path) -> None:
    store = tmp_path / "store"
    _fill_store(store)
    from_files = _summary(EXAMPLE, tmp_path / "files", store)
    stored = _blueprint(
        tmp_path, "store:binanceusdm:XRP/USDT:USDT", "store:binanceusdm:XRP/USDT:USDT:1h"
    )
    from_store = _summary(stored, tmp_path / "stored", store)
    perpetual = from_store["perpetual"]
    assert perpetual == from_files["perpetual"]
    assert isinstance(perpetual, dict) and Decimal(str(perpetual["funding_paid"])) > 0
    # The plan hash differs: another blueprint text, so another run id and order ids.
    for key in ("metrics", "exits_by_reason"):
        assert from_store[key] == from_files[key]


def test_a_series_missing_from_the_store_names_its_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stored = _blueprint(
        tmp_path, "store:binanceusdm:XRP/USDT:USDT", "bundled:binance_XRP-USDT-PERP_1h_mark.csv"
    )
    empty, db = str(tmp_path / "empty"), str(tmp_path / "x.db")
    source = f"XRP/USDT={BARS}"
    code = main(
        [
            "backtest",
            "--quiet",
            "--config",
            str(stored),
            "--data",
            source,
            "--store",
            empty,
            "--db",
            db,
        ]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert 'account.funding_files."XRP/USDT"' in err
    assert "Traceback" not in err
