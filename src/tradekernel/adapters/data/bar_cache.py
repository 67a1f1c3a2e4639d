"""A cache of accepted CSV bar columns, keyed by the file's content.

Parsing and checking the 1M-bar CSV (54 MB) takes about 0.3 s of CPU; hashing it 0.03 s,
and the reader hashes every file anyway (the fingerprint a run records). So the columns
of a file the reader has accepted are kept in binary under that hash, and the next read
of the same bytes loads them instead of parsing them again.

- Keyed by content: the sha256 of the file's bytes plus `READER_VERSION`. An edited file
  is another key, so no entry can be stale for it; a change to what the reader accepts or
  how it parses bumps `READER_VERSION` (a test pins the reader's source to it).
- Only accepted files are stored: a file the reader refuses is parsed, and refused, every
  time, with the same message.
- Each entry carries the sha256 of its columns, checked on every load: an entry that is
  short, corrupt or unreadable is ignored (and written again), never trusted.
- Written to a temporary file and renamed into place, so no reader sees half an entry.
- At most `MAX_ENTRIES` entries; the least recently used go first.
- `TRADEKERNEL_BAR_CACHE` names the directory (default `$XDG_CACHE_HOME/tradekernel/bars`,
  else `~/.cache/tradekernel/bars`); `off` turns the cache off. A cache that cannot be
  read or written costs only the speed, never a run.
"""

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path

import numpy as np
import numpy.typing as npt

from tradekernel.shared.bars import BarSeries, FloatArray, IntArray

# Bump when the CSV reader (csv_reader.py, validation.py) accepts, refuses or parses
# anything differently: entries written by the older reader are then never read.
READER_VERSION = 1
MAX_ENTRIES = 8
ENVIRONMENT_VARIABLE = "TRADEKERNEL_BAR_CACHE"
_MAGIC = b"TKBARS1\n"
_HEADER_BYTES = len(_MAGIC) + 8 + 32  # magic, row count (uint64 LE), sha256 of the columns
_COLUMN_COUNT = 6  # timestamp_ms as int64, then open, high, low, close, volume as float64
_SUFFIX = ".bars"


def cache_dir() -> Path | None:
    """Return the cache directory, or None when `TRADEKERNEL_BAR_CACHE` is `off`."""
    chosen = os.environ.get(ENVIRONMENT_VARIABLE, "")
    if chosen.strip().lower() == "off":
        return None
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "tradekernel" / "bars"


def load_columns(fingerprint: str, rows: int) -> tuple[IntArray, FloatArray] | None:
    """Return the cached timestamps and the (5, rows) price and volume block, or None.

    None for no entry, an entry of another row count, or one whose columns do not match
    their recorded sha256.
    """
    path = _entry_path(fingerprint)
    if path is None:
        return None
    try:
        with path.open("rb") as handle:
            header = handle.read(_HEADER_BYTES)
            if len(header) != _HEADER_BYTES or not header.startswith(_MAGIC):
                return None
            stored_rows = int.from_bytes(header[len(_MAGIC) : len(_MAGIC) + 8], "little")
            if stored_rows != rows:
                return None
            payload: npt.NDArray[np.float64] = np.fromfile(
                handle, dtype="<f8", count=rows * _COLUMN_COUNT
            )
        if payload.shape[0] != rows * _COLUMN_COUNT:
            return None
        if hashlib.sha256(payload.data).digest() != header[len(_MAGIC) + 8 :]:
            return None
    except (OSError, ValueError):
        return None
    with contextlib.suppress(OSError):  # a read-only cache still serves its entries
        os.utime(path)  # the least recently used entry is the one evicted
    timestamps = payload[:rows].view("<i8").astype(np.int64, copy=False)
    prices = payload[rows:].reshape(_COLUMN_COUNT - 1, rows).astype(np.float64, copy=False)
    return timestamps, prices


def store_columns(fingerprint: str, series: BarSeries) -> None:
    """Keep the columns of an accepted file under its fingerprint; failures are ignored."""
    path = _entry_path(fingerprint)
    if path is None:
        return
    # Column by column, so no second copy of the bars is made to write them.
    columns = (
        series.ts_ms.astype("<i8", copy=False),
        *(
            np.ascontiguousarray(c, dtype="<f8")
            for c in (series.open, series.high, series.low, series.close, series.volume)
        ),
    )
    digest = hashlib.sha256()
    for column in columns:
        digest.update(np.ascontiguousarray(column).data)
    header = _MAGIC + len(series).to_bytes(8, "little") + digest.digest()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(header)
                for column in columns:
                    np.ascontiguousarray(column).tofile(out)
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
        _evict(path.parent)
    except OSError:
        return


def _entry_path(fingerprint: str) -> Path | None:
    directory = cache_dir()
    if directory is None:
        return None
    return directory / f"{fingerprint}-r{READER_VERSION}{_SUFFIX}"


def _evict(directory: Path) -> None:
    entries = sorted(directory.glob(f"*{_SUFFIX}"), key=lambda p: p.stat().st_mtime_ns)
    for stale in entries[: max(0, len(entries) - MAX_ENTRIES)]:
        with contextlib.suppress(OSError):
            stale.unlink()
