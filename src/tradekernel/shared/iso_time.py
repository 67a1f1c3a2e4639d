"""ISO 8601 rendering of epoch milliseconds, for what people read (messages, reports)."""

from datetime import UTC, datetime


def iso_utc(ts_ms: int) -> str:
    """Return epoch milliseconds as ISO 8601 UTC to the second, e.g. `2024-01-02T03:04:05Z`."""
    return datetime.fromtimestamp(ts_ms / 1000, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
