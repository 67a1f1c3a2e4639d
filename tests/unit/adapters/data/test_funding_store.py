"""The funding-rate store: exact round trip, funding times floored, gaps, resume safety,
and the mark-price series kept apart from the traded bars."""

from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tradekernel.adapters.backtest.funding import read_funding_csv
from tradekernel.adapters.data.bar_store import ParquetBarStore
from tradekernel.adapters.data.funding_store import FundingKey, ParquetFundingStore
from tradekernel.adapters.data.perpetual_reader import check_stored_funding, load_stored_funding
from tradekernel.adapters.data.series_name import MARK_PRICE, SeriesKey, parse_series_name
from tradekernel.bootstrap.download_job import funding_range
from tradekernel.domain.errors import DataError
from tradekernel.domain.perpetuals import FundingRate

FUNDING_CSV = Path(__file__).resolve().parents[3] / "data" / "binance_XRP-USDT-PERP_funding_8h.csv"
SYMBOL = "XRP/USDT:USDT"
KEY = FundingKey(exchange="binanceusdm", symbol=SYMBOL, interval="8h")
STEP = 8 * 3_600_000


def _rates_of_the_file() -> list[FundingRate]:
    rows = [line.split(",") for line in FUNDING_CSV.read_text().splitlines()[1:]]
    return [FundingRate(symbol=SYMBOL, ts_ms=int(ts), rate=Decimal(rate)) for ts, rate in rows]


def _fill(store: ParquetFundingStore, rates: list[FundingRate], page: int) -> None:
    for first in range(0, len(rates), page):
        chunk = rates[first : first + page]
        start = chunk[0].ts_ms - chunk[0].ts_ms % STEP
        end = chunk[-1].ts_ms - chunk[-1].ts_ms % STEP + STEP
        store.append(KEY, chunk, (start, end))


def test_stored_pages_read_back_as_the_file_reader_reads_the_file(tmp_path: Path) -> None:
    store = ParquetFundingStore(tmp_path)
    _fill(store, _rates_of_the_file(), page=25)
    assert len(list(store.series_dir(KEY).glob("*.parquet"))) == 4
    store.compact(KEY)
    assert len(list(store.series_dir(KEY).glob("*.parquet"))) == 1
    stored = load_stored_funding(tmp_path, exchange="binanceusdm", symbol=SYMBOL)
    assert stored == read_funding_csv(FUNDING_CSV, STEP)
    assert check_stored_funding(store, store.manifest(KEY)) == 91


def test_a_page_written_but_not_in_the_manifest_is_read_once(tmp_path: Path) -> None:
    store = ParquetFundingStore(tmp_path)
    rates = _rates_of_the_file()
    _fill(store, rates, page=50)
    manifest = store.manifest(KEY)
    # The same page again, as a resumed run fetches a page it wrote but did not record.
    (store.series_dir(KEY) / "part-extra.parquet").write_bytes(
        next(iter(sorted(store.series_dir(KEY).glob("part-*.parquet")))).read_bytes()
    )
    assert len(load_stored_funding(tmp_path, exchange="binanceusdm", symbol=SYMBOL)) == 91
    assert check_stored_funding(store, manifest) == 91


def test_two_events_in_one_interval_are_refused(tmp_path: Path) -> None:
    rates = [
        FundingRate(symbol=SYMBOL, ts_ms=STEP * 10 + 5, rate=Decimal("0.0001")),
        FundingRate(symbol=SYMBOL, ts_ms=STEP * 10 + 9, rate=Decimal("0.0002")),
    ]
    with pytest.raises(DataError, match="two funding events in one 8h interval"):
        ParquetFundingStore(tmp_path).append(KEY, rates, (STEP * 10, STEP * 11))


def test_a_missing_funding_time_not_in_the_manifest_fails_the_check(tmp_path: Path) -> None:
    store = ParquetFundingStore(tmp_path)
    rates = _rates_of_the_file()
    _fill(store, rates[:10], page=10)
    _fill(store, rates[11:20], page=10)  # rates[10]'s funding time never covered ...
    manifest = store.manifest(KEY)
    assert len(manifest.covered) == 2 and manifest.gaps == ()
    # ... until a manifest claims it covered without recording it missing.
    claimed = attrs.evolve(manifest, covered=((manifest.covered[0][0], manifest.covered[1][1]),))
    with pytest.raises(DataError, match="funding times missing"):
        check_stored_funding(store, claimed)


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=STEP - 1),
            st.decimals(allow_nan=False, allow_infinity=False, places=8, min_value=-1, max_value=1),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_any_rates_round_trip_digit_for_digit(
    tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[int, Decimal]]
) -> None:
    root = tmp_path_factory.mktemp("funding")
    base = 1_637_193_600_000
    rates = [
        FundingRate(symbol=SYMBOL, ts_ms=base + index * STEP + offset, rate=rate)
        for index, (offset, rate) in enumerate(rows)
    ]
    store = ParquetFundingStore(root)
    store.append(KEY, rates, (base, base + len(rates) * STEP))
    stored = load_stored_funding(root, exchange="binanceusdm", symbol=SYMBOL)
    assert list(stored) == [base + index * STEP for index in range(len(rates))]
    assert [str(value) for value in stored.values()] == [str(rate.rate) for rate in rates]


def test_the_funding_range_ends_after_the_last_funding_time_already_due() -> None:
    now = 5 * STEP + 1_000  # just after the 5th funding time
    assert funding_range(KEY, STEP + 1, None, now) == (2 * STEP, 6 * STEP)
    assert funding_range(KEY, 0, 3 * STEP + 1, now) == (0, 4 * STEP)


def test_mark_bars_are_their_own_series_named_with_a_mark_suffix(tmp_path: Path) -> None:
    key = parse_series_name("binanceusdm:xrp/usdt:usdt:1h:mark")
    assert key == SeriesKey(exchange="binanceusdm", symbol=SYMBOL, timeframe="1h", price=MARK_PRICE)
    assert key.name == "binanceusdm:XRP/USDT:USDT:1h:mark"
    store = ParquetBarStore(tmp_path)
    store.append(key, [0], [[1.0, 1.0, 1.0, 1.0, 0.0]], (0, 3_600_000))
    assert store.series_dir(key).parts[-5] == "price=mark"
    assert ParquetBarStore.of_series_dir(store.series_dir(key)) is not None
    found = ParquetBarStore.of_series_dir(store.series_dir(key))
    assert found is not None and found[0].root == tmp_path and found[1] == key
    assert [m.key for m in store.manifests()] == [key]
