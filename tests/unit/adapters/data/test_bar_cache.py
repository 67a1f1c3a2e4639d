"""The CSV bar cache: a hit gives the same bars bit for bit, and nothing stale is ever read."""

import hashlib
import os
from pathlib import Path

import attrs
import numpy as np
import numpy.typing as npt
import pytest

from tradekernel.adapters.data import bar_cache, csv_reader
from tradekernel.adapters.data.csv_reader import read_csv_bars
from tradekernel.adapters.data.report import LoadedBars
from tradekernel.domain.errors import DataError

HEADER = "timestamp_ms,open,high,low,close,volume"
ROWS = ["1000,10,12,9,11,5", "2000,11,13,10,12,6.25", "3000,12,12,11,11.5,0"]
SOURCES = Path(csv_reader.__file__).parent
# The sha256 of the reader's sources when `bar_cache.READER_VERSION` was last set. A change
# to them fails this test: bump READER_VERSION if the change alters what the reader
# accepts, refuses or the values it gives (old entries must not be read), then update this.
READER_SOURCES_SHA256 = "34f07d3259cd33116c6b9efc2ead38a93c9ef8ad7bd931cf41b52ee2256cc29e"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv(bar_cache.ENVIRONMENT_VARIABLE, str(directory))
    return directory


def write(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def columns_bytes(loaded: LoadedBars) -> bytes:
    series = loaded.series
    return b"".join(
        getattr(series, name).tobytes() + str(getattr(series, name).dtype).encode()
        for name in ("ts_ms", "open", "high", "low", "close", "volume")
    )


def count_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    parse = csv_reader._parse

    def counted(file: str, rows: int) -> npt.NDArray[np.float64] | None:
        calls.append(file)
        return parse(file, rows)

    monkeypatch.setattr(csv_reader, "_parse", counted)
    return calls


def test_a_second_read_of_the_same_bytes_is_a_hit_with_the_same_bars(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parses = count_parses(monkeypatch)
    first = read_csv_bars(write(tmp_path / "a.csv", ROWS), "X/Y")
    # Another path with the same bytes: the key is the content, not the name.
    second = read_csv_bars(write(tmp_path / "b.csv", ROWS), "A/B")
    assert len(parses) == 1
    assert columns_bytes(second) == columns_bytes(first)
    assert second.series.symbol == "A/B"
    assert second.fingerprint == first.fingerprint
    assert attrs.evolve(second.report, file=first.report.file) == first.report
    assert all(getattr(second.series, n).flags.c_contiguous for n in ("ts_ms", "open", "volume"))


def test_an_edited_file_is_parsed_again(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parses = count_parses(monkeypatch)
    path = write(tmp_path / "a.csv", ROWS)
    read_csv_bars(path, "X")
    edited = read_csv_bars(write(path, [*ROWS[:2], "3000,12,12,11,11.75,0"]), "X")
    assert len(parses) == 2
    assert edited.series.close.tolist() == [11.0, 12.0, 11.75]


@pytest.mark.parametrize("damage", ["flip", "truncate", "garbage"])
def test_a_damaged_entry_is_ignored_and_written_again(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    path = write(tmp_path / "a.csv", ROWS)
    expected = columns_bytes(read_csv_bars(path, "X"))
    (entry,) = cache.iterdir()
    data = entry.read_bytes()
    if damage == "flip":
        entry.write_bytes(data[:-3] + bytes([data[-3] ^ 1]) + data[-2:])
    elif damage == "truncate":
        entry.write_bytes(data[:-8])
    else:
        entry.write_bytes(b"not an entry")
    parses = count_parses(monkeypatch)
    assert columns_bytes(read_csv_bars(path, "X")) == expected
    assert len(parses) == 1
    assert entry.read_bytes() == data  # written again, whole


def test_a_refused_file_is_never_stored_and_refused_the_same_way_every_time(
    cache: Path, tmp_path: Path
) -> None:
    path = write(tmp_path / "bad.csv", [ROWS[0], "2000,11,9,10,10,6"])
    messages = []
    for _ in range(2):
        with pytest.raises(DataError) as info:
            read_csv_bars(path, "X")
        messages.append(str(info.value))
    assert messages[0] == messages[1]
    assert "high 9.0 is below low 10.0" in messages[0]
    assert not cache.exists() or not list(cache.iterdir())


def test_off_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(bar_cache.ENVIRONMENT_VARIABLE, "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    read_csv_bars(write(tmp_path / "a.csv", ROWS), "X")
    assert bar_cache.cache_dir() is None
    assert not (tmp_path / "xdg").exists() and not (tmp_path / "home").exists()


def test_the_default_directory_is_under_the_user_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(bar_cache.ENVIRONMENT_VARIABLE)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert bar_cache.cache_dir() == tmp_path / "xdg" / "tradekernel" / "bars"


def test_an_unusable_cache_directory_costs_nothing_but_the_speed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")
    monkeypatch.setenv(bar_cache.ENVIRONMENT_VARIABLE, str(blocker / "cache"))
    loaded = read_csv_bars(write(tmp_path / "a.csv", ROWS), "X")
    assert loaded.series.volume.tolist() == [5.0, 6.25, 0.0]


def test_at_most_max_entries_are_kept_the_least_recently_used_go_first(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bar_cache, "MAX_ENTRIES", 2)
    files = [write(tmp_path / f"{i}.csv", [*ROWS[:2], f"3000,12,12,11,11.5,{i}"]) for i in range(3)]
    for age, file in enumerate(files, start=1):
        read_csv_bars(file, "X")
        # Each entry made older than the next one written, whatever the clock's resolution.
        newest = max(cache.iterdir(), key=lambda entry: entry.stat().st_mtime_ns)
        os.utime(newest, ns=(age, age))
    kept = {entry.name.split("-")[0] for entry in cache.iterdir()}
    digests = [hashlib.sha256(f.read_bytes()).hexdigest() for f in files]
    assert kept == {digests[1], digests[2]}


def test_the_reader_sources_match_the_reader_version() -> None:
    digest = hashlib.sha256()
    for name in ("csv_reader.py", "validation.py"):
        digest.update((SOURCES / name).read_bytes())
    assert (bar_cache.READER_VERSION, digest.hexdigest()) == (1, READER_SOURCES_SHA256)
