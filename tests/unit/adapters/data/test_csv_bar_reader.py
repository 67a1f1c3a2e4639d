"""CSV bar reader: every bad-data case names file:line; gaps are reported, never filled."""

import hashlib
import io
from pathlib import Path

import numpy as np
import pytest

from tradekernel.adapters.data import csv_reader
from tradekernel.adapters.data.csv_reader import read_csv_bars
from tradekernel.adapters.data.loader import load_bars
from tradekernel.domain.errors import DataError

HEADER = "timestamp_ms,open,high,low,close,volume"
GOOD = ["1000,10,12,9,11,5", "2000,11,13,10,12,6", "3000,12,12,11,11.5,0"]
ETH_BTC_2H = Path(__file__).resolve().parents[3] / "data" / "binance_ETH-BTC_2h.csv"


def write(tmp_path: Path, lines: list[str], name: str = "bars.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_good_file_loads_columns_report_and_fingerprint(tmp_path: Path) -> None:
    path = write(tmp_path, [HEADER, *GOOD])
    loaded = read_csv_bars(path, "X/Y")
    series = loaded.series
    assert series.symbol == "X/Y"
    assert series.ts_ms.dtype == np.int64
    assert series.ts_ms.tolist() == [1000, 2000, 3000]
    assert series.close.dtype == np.float64
    assert series.close.tolist() == [11.0, 12.0, 11.5]
    assert series.volume.tolist() == [5.0, 6.0, 0.0]
    report = loaded.report
    assert (report.rows, report.first_ts_ms, report.last_ts_ms) == (3, 1000, 3000)
    assert report.interval_ms == 1000
    assert report.is_contiguous
    assert loaded.fingerprint == hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    ("rows", "line", "message"),
    [
        (["1000,10,12,9,11"], 2, "expected 6 columns, got 5"),
        (["1000,10,12,9,11,5", "2000,11,13,10,12,6,7"], 3, "expected 6 columns, got 7"),
        (["1000,10,12,9,11,5", ""], 2, None),  # a trailing blank line is fine
        (["1000,10,12,9,11,5", "", "2000,11,13,10,12,6"], 3, "expected 6 columns, got 1"),
        (["1000,10,12,9,11,5", " \t", "2000,11,13,10,12,6"], 3, "expected 6 columns, got 1"),
        (["1000,10,12,9,11,5", '2000,"11",13,10,12,6'], 3, "open is not a number: '\"11\"'"),
        (["1000,10,12,9,11,5", "2000,abc,13,10,12,6"], 3, "open is not a number: 'abc'"),
        (["1000,10,12,9,11,5", "2000,11,13,,12,6"], 3, "low is not a number: ''"),
        (["1000,10,12,9,11,5", "2000,11,13,10,nan,6"], 3, "close is not a finite number"),
        (["1000,10,12,9,11,inf"], 2, "volume is not a finite number"),
        (["1000,10,12,9,11,5", "1000,11,13,10,12,6"], 3, "duplicate timestamp_ms 1000"),
        (["2000,10,12,9,11,5", "1000,11,13,10,12,6"], 3, "non-increasing timestamp_ms 1000"),
        (["1000.5,10,12,9,11,5"], 2, "timestamp_ms is not an integer"),
        (["1000,10,12,9,11,5", "2000,11,9,10,10,6"], 3, "high 9.0 is below low 10.0"),
        (["1000,10,12,9,11,5", "2000,11,11.5,10,12,6"], 3, "high 11.5 is below max(open, close)"),
        (["1000,10,12,9,11,5", "2000,11,13,11.5,12,6"], 3, "low 11.5 is above min(open, close)"),
        (["1000,10,12,9,11,5", "2000,0,13,0,12,6"], 3, "open must be positive"),
        (["1000,10,12,-9,11,5"], 2, "low must be positive"),
        (["1000,10,12,9,11,5", "2000,11,13,10,12,-6"], 3, "volume must not be negative"),
    ],
)
def test_bad_rows_name_file_and_line(
    tmp_path: Path, rows: list[str], line: int, message: str | None
) -> None:
    path = write(tmp_path, [HEADER, *rows])
    if message is None:
        assert read_csv_bars(path, "X").report.rows == 1
        return
    with pytest.raises(DataError) as info:
        read_csv_bars(path, "X")
    assert info.value.file == str(path)
    assert info.value.line == line
    assert str(info.value).startswith(f"{path}:{line}: ")
    assert message in str(info.value)


def test_earliest_bad_line_wins_when_several_checks_fail(tmp_path: Path) -> None:
    rows = [*GOOD, "4000,11,13,10,12,-6", "3500,1,1,1,1,1"]
    rows[1] = "2000,11,13,10,12,-1"  # line 3: negative volume, before the others
    with pytest.raises(DataError) as info:
        read_csv_bars(write(tmp_path, [HEADER, *rows]), "X")
    assert info.value.line == 3


@pytest.mark.parametrize(
    ("content", "line", "message"),
    [
        ("", 1, "empty file"),
        ("timestamp_ms,open,high,low,close,volume\n", 2, "no data rows"),
        ("ts,open,high,low,close,volume\n1,1,1,1,1,1\n", 1, "wrong header 'ts,open"),
        ("timestamp_ms,open,high,low,close\n1,1,1,1,1\n", 1, "wrong header"),
    ],
)
def test_empty_file_and_wrong_header_point_at_line(
    tmp_path: Path, content: str, line: int, message: str
) -> None:
    path = tmp_path / "x.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataError, match=message) as info:
        read_csv_bars(path, "X")
    assert (info.value.file, info.value.line) == (str(path), line)


def test_missing_file_is_a_data_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="cannot read file") as info:
        read_csv_bars(tmp_path / "absent.csv", "X")
    assert info.value.file == str(tmp_path / "absent.csv")


def test_crlf_line_endings_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "crlf.csv"
    path.write_bytes(("\r\n".join([HEADER, *GOOD]) + "\r\n").encode())
    assert read_csv_bars(path, "X").series.high.tolist() == [12.0, 13.0, 12.0]


def test_invalid_utf8_in_a_field_names_its_line_and_a_bom_before_the_header_is_accepted(
    tmp_path: Path,
) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes(f"{HEADER}\n{GOOD[0]}\n".encode() + b"2000,11\xa0,13,10,12,6\n")
    with pytest.raises(DataError, match="not valid UTF-8") as info:
        read_csv_bars(path, "X")
    assert info.value.line == 3
    bom = tmp_path / "bom.csv"
    bom.write_bytes(("\ufeff" + "\n".join([HEADER, *GOOD]) + "\n").encode())
    assert read_csv_bars(bom, "X").series.ts_ms.tolist() == [1000, 2000, 3000]


def test_columns_are_contiguous_and_bit_equal_to_parsing_each_field(tmp_path: Path) -> None:
    rng = np.random.default_rng(16)
    low = np.round(rng.uniform(0.01, 90_000, 500), int(rng.integers(0, 9)))
    rows = [
        f"{1000 * (i + 1)},{lo!r},{lo * 1.5!r},{lo!r},{lo * 1.25!r},{v:.8f}"
        for i, (lo, v) in enumerate(
            zip(low.tolist(), rng.uniform(0, 50, 500).tolist(), strict=True)
        )
    ]
    series = read_csv_bars(write(tmp_path, [HEADER, *rows]), "X").series
    fields = [row.split(",") for row in rows]
    for column, name in enumerate(("open", "high", "low", "close", "volume"), start=1):
        values = getattr(series, name)
        assert values.flags.c_contiguous
        expected = np.array([float(f[column]) for f in fields], dtype=np.float64)
        assert values.tobytes() == expected.tobytes(), name
    assert series.ts_ms.tolist() == [int(f[0]) for f in fields]


def test_gaps_are_counted_in_runs_and_never_filled(tmp_path: Path) -> None:
    ts = [0, 60, 120, 300, 360, 420, 480, 720, 780]  # step 60: gaps of 2 and 3 bars
    rows = [f"{t},10,11,9,10,1" for t in ts]
    loaded = read_csv_bars(write(tmp_path, [HEADER, *rows]), "X")
    report = loaded.report
    assert report.interval_ms == 60
    assert report.missing_bars == 5
    assert report.gap_runs == 2
    assert report.longest_gap == 3
    assert [(g.after_ts_ms, g.resume_ts_ms, g.missing) for g in report.first_gaps] == [
        (120, 300, 2),
        (480, 720, 3),
    ]
    assert len(loaded.series) == len(ts)


def test_real_eth_btc_2h_file_reports_its_one_missing_bar() -> None:
    loaded = read_csv_bars(ETH_BTC_2H, "ETH/BTC")
    report = loaded.report
    assert report.rows == 499
    assert report.interval_ms == 2 * 3_600_000
    assert (report.missing_bars, report.gap_runs, report.longest_gap) == (1, 1, 1)
    (gap,) = report.first_gaps
    # The missing bar is 2020-04-25 02:00 UTC.
    assert gap.after_ts_ms + report.interval_ms == 1587780000000
    assert report.first_ts_ms == 1586138400000
    assert report.last_ts_ms == 1589731200000
    assert loaded.fingerprint == (
        "3571d699efe1bac5ae2c9b4955e595fd3766924a48bda416fa8d66d66315d357"
    )
    # Cross-check the columns against a naive line-by-line parse.
    lines = ETH_BTC_2H.read_text().splitlines()[1:]
    naive = [[float(v) for v in line.split(",")] for line in lines]
    assert loaded.series.ts_ms.tolist() == [int(row[0]) for row in naive]
    assert loaded.series.low.tolist() == [row[3] for row in naive]
    assert loaded.series.volume.tolist() == [row[5] for row in naive]


def test_load_bars_picks_reader_by_suffix_and_refuses_unknown(tmp_path: Path) -> None:
    path = write(tmp_path, [HEADER, *GOOD], name="bars.CSV")
    assert load_bars(path, "X").report.rows == 3
    with pytest.raises(DataError, match=r"unknown data file suffix '\.json'"):
        load_bars(tmp_path / "bars.json", "X")


@pytest.mark.parametrize("chunk_bytes", [1, 2, 3, 7, 1 << 20])
@pytest.mark.parametrize(
    "body",
    [b"", b"\n", b"1\n", b"1", b"1\n2\n", b"1\n2\n\n\r\n", b"1\r\n\r\n2\r\n", b"1\n\n2", b"\r\n"],
)
def test_rows_counted_in_chunks_as_in_one_piece(
    monkeypatch: pytest.MonkeyPatch, chunk_bytes: int, body: bytes
) -> None:
    monkeypatch.setattr(csv_reader, "_CHUNK_BYTES", chunk_bytes)
    stripped = body.rstrip(b"\r\n")
    whole = stripped.count(b"\n") + 1 if stripped else 0
    header = HEADER.encode() + b"\n"
    digest, rows = csv_reader._digest_and_count_rows(header, io.BytesIO(body))
    assert rows == whole
    assert digest == hashlib.sha256(header + body).hexdigest()
