"""`tradekernel data download --mark --funding | list | check` for a perpetual on the
loopback USDⓈ-M venue, through ccxt's real `binanceusdm`; the clear refusals (exit 2)."""

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from tests.integration.data.fake_binance_usdm import FUNDING_CSV, FakeBinanceUsdm

from tradekernel.adapters.backtest.funding import read_funding_csv
from tradekernel.adapters.data.perpetual_reader import load_stored_funding, load_stored_mark_bars
from tradekernel.bootstrap.cli import main
from tradekernel.domain.errors import DataError

FUNDING = "binanceusdm:XRP/USDT:USDT funding 8h"
MARK = "binanceusdm:XRP/USDT:USDT:1h:mark"


def _config(venue: FakeBinanceUsdm, tmp_path: Path) -> Path:
    config = tmp_path / "exchange.toml"
    config.write_text(
        f'[ccxt]\napi_base_url = "{venue.base_url}"\nenable_rate_limit = false\ntimeout_ms = 2000\n'
    )
    return config


def _download(config: Path, store: Path, *extra: str, symbols: str = "XRP/USDT:USDT") -> list[str]:
    argv = ["data", "download", "--exchange", "binanceusdm", "--symbols", symbols]
    argv += ["--start", "2021-11-15T06:00Z", "--end", "2021-12-18T08:00Z", *extra]
    return [*argv, "--exchange-config", str(config), "--store", str(store), "--quiet"]


@pytest.fixture
def store(usdm_venue: FakeBinanceUsdm, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A store holding the mark bars and the funding history (downloaded twice)."""
    del usdm_venue.funding["XRPUSDT"][10]  # 2021-11-21 08:00: a funding time the venue lacks
    store = tmp_path / "store"
    argv = _download(_config(usdm_venue, tmp_path), store, "--timeframe", "1h", "--mark")
    argv += ["--funding", "--page-size", "60"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert f"{MARK}: 100 bars fetched in 2 request(s); stored 100 bars" in out
    assert f"{FUNDING}: 90 rates fetched in 2 request(s); stored 90 rates" in out
    # The venue's history starts 2021-11-18: the funding times asked for before are missing.
    assert "9 missing funding times in 2 gap(s)" in out
    assert main(argv) == 0
    again = capsys.readouterr().out
    assert f"{FUNDING}: 0 rates fetched in 0 request(s); stored 90 rates" in again
    return store


def test_list_and_check_show_the_mark_bars_and_the_funding_history(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["data", "list", "--store", str(store)]) == 0
    listed = capsys.readouterr().out
    assert f"{MARK}: 100 bars, covering 2021-11-15T06:00Z -> 2021-11-19T10:00Z" in listed
    assert f"{FUNDING}: 90 rates, covering 2021-11-15T08:00Z -> 2021-12-18T08:00Z" in listed
    assert "2021-11-21T08:00Z -> 2021-11-21T16:00Z" in listed
    assert main(["data", "check", "--store", str(store)]) == 0
    checked = capsys.readouterr().out
    assert f"{FUNDING}: ok, 90 rates, 9 missing funding times" in checked
    assert "checked 2 series" in checked
    expected = read_funding_csv(FUNDING_CSV, 8 * 3_600_000)
    del expected[1_637_481_600_000]  # 2021-11-21 08:00
    stored = load_stored_funding(store, exchange="binanceusdm", symbol="XRP/USDT:USDT")
    assert stored == expected
    mark = load_stored_mark_bars(
        store, exchange="binanceusdm", symbol="xrp/usdt:usdt", timeframe="1h"
    )
    assert len(mark.series) == 100


@pytest.mark.parametrize(
    ("rewrite", "problem"),
    [
        (lambda rates: [*rates[:5], "abc", *rates[6:]], "row 6: rate 'abc' is not a decimal"),
        (lambda rates: [*rates[:5], "NaN", *rates[6:]], "row 6: rate 'NaN' is not a finite"),
    ],
)
def test_a_bad_stored_rate_fails_the_check_and_the_reader(
    store: Path, capsys: pytest.CaptureFixture[str], rewrite: object, problem: str
) -> None:
    (part,) = (store / "funding").rglob("*.parquet")
    table = pq.read_table(part)
    rates = table.column("rate").to_pylist()
    assert callable(rewrite)
    table = table.set_column(2, "rate", pa.array(rewrite(rates), type=pa.string()))
    pq.write_table(table, part)
    assert main(["data", "check", "--store", str(store)]) == 1
    assert problem in capsys.readouterr().out
    with pytest.raises(DataError, match=problem):
        load_stored_funding(store, exchange="binanceusdm", symbol="XRP/USDT:USDT")


def test_a_lost_funding_part_fails_the_check(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (part,) = (store / "funding").rglob("*.parquet")
    table = pq.read_table(part)
    pq.write_table(table.slice(0, 50), part)
    assert main(["data", "check", "--store", str(store)]) == 1
    assert "the manifest counts 90 rates, the parts hold 50" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("exchange", "symbols", "extra", "message"),
    [
        (
            "binanceusdm",
            "XRP/USDT",
            ("--funding",),
            "error: XRP/USDT is a spot symbol; funding rates and mark prices exist for "
            "perpetuals, written with their settle currency (e.g. XRP/USDT:USDT) @ --funding",
        ),
        ("binanceusdm", "XRP/USDT", ("--timeframe", "1h", "--mark"), "@ --mark"),
        ("kraken", "XRP/USD:USD", ("--funding",), "kraken offers no funding-rate history"),
        ("binanceusdm", "DOGE/USDT:USDT", ("--funding",), "no swap market DOGE/USDT:USDT"),
        ("binanceusdm", "XRP/USDT:USDT", (), "required (unless --funding alone is wanted)"),
        ("binanceusdm", "XRP/USDT:USDT,XRP/USDT", ("--timeframe", "1h"), "mixed"),
        ("binanceusdm", "XRP/USDT:USDT", ("--funding", "--funding-interval", "7h"), "7h"),
    ],
)
def test_refusals_are_one_line_with_exit_2(
    usdm_venue: FakeBinanceUsdm,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    exchange: str,
    symbols: str,
    extra: tuple[str, ...],
    message: str,
) -> None:
    argv = _download(_config(usdm_venue, tmp_path), tmp_path / "store", *extra, symbols=symbols)
    argv[argv.index("binanceusdm")] = exchange
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and message in errors[0], err
    assert "Traceback" not in err
    assert not (tmp_path / "store" / "funding").exists()
