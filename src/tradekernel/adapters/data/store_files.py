"""The file handling both store datasets share (bar series, funding histories): atomic
writes, manifests as JSON with covered ranges and gaps, and folding parts into one."""

import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from tradekernel.adapters.data.time_ranges import TimeRange
from tradekernel.domain.errors import DataError

SCHEMA_VERSION = 1
T = TypeVar("T")


def symbol_dir(symbol: str) -> str:
    """Return a symbol as a directory name: `XRP/USDT:USDT` -> `XRP-USDT_USDT`."""
    return symbol.replace("/", "-").replace(":", "_")


def replace_durably(temporary: Path, path: Path) -> None:
    """Rename a written temporary file over `path`, after syncing it to disk."""
    with temporary.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def write_manifest(
    path: Path,
    fields: dict[str, Any],
    covered: Iterable[TimeRange],
    gaps: Iterable[TimeRange],
) -> None:
    """Write a manifest (its `fields`, then `covered` and `gaps`) atomically.

    Raises:
        DataError: the file cannot be written.
    """
    document = {
        "schema_version": SCHEMA_VERSION,
        **fields,
        "covered": [list(r) for r in covered],
        "gaps": [list(r) for r in gaps],
    }
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        temporary.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
        replace_durably(temporary, path)
    except OSError as error:
        raise DataError(f"cannot write the manifest: {error}", file=str(path)) from error


def read_manifest(path: Path, build: Callable[[dict[str, Any]], T]) -> T:
    """Return `build(document)` of the manifest at `path`.

    Raises:
        DataError: the file is unreadable, or `build` finds a field missing or malformed.
    """
    try:
        document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return build(document)
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise DataError(f"unreadable manifest: {error}", file=str(path)) from error


def ranges(document: dict[str, Any], name: str) -> tuple[TimeRange, ...]:
    """Return a manifest's list of `[start, end]` pairs as ranges."""
    return tuple((int(a), int(b)) for a, b in document[name])


def fold_parts(directory: Path, first: int, last: int, write: Callable[[Path], None]) -> None:
    """Replace the directory's part files by one, `part-<first>-<last>.parquet`, that
    `write` writes (no-op for one part or none).

    Raises:
        DataError: the new file cannot be written or an old one removed.
    """
    parts = sorted(directory.glob("*.parquet"))
    if len(parts) < 2:
        return
    target = directory / f"part-{first}-{last}.parquet"
    try:
        write(target)
        for part in parts:
            if part != target:
                part.unlink()
    except OSError as error:
        raise DataError(f"cannot compact the store: {error}", file=str(directory)) from error
