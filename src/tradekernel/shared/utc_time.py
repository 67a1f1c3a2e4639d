"""Times for people: ISO 8601 UTC text to and from epoch milliseconds.

Epoch milliseconds stay the internal and machine format; every time a person types
(`--at`, `--start`, `--end`) is read by `parse_utc_time` and every time a person reads is
written by `utc_text`, so the command line, the terminal, the reports and `explain` agree.
"""

from datetime import UTC, datetime, timedelta

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# Epoch milliseconds below this (1973-03-03) are far more likely seconds typed by mistake:
# no crypto exchange has bars that old.
_SMALLEST_PLAUSIBLE_MS = 100_000_000_000

TIME_FORMS = (
    "an ISO date or time in UTC (2024-01-31, 2024-01-31T12:00, 2024-01-31T12:00:00Z) "
    "or epoch milliseconds"
)


def utc_text(ts_ms: int) -> str:
    """Return an epoch-millisecond time as ISO 8601 UTC (`2017-07-02T17:00:00Z`).

    Milliseconds are shown only when the time has them.
    """
    moment = _EPOCH + timedelta(milliseconds=ts_ms)
    spec = "seconds" if ts_ms % 1000 == 0 else "milliseconds"
    return moment.isoformat(timespec=spec).replace("+00:00", "Z")


def parse_utc_time(text: str) -> int:
    """Return the epoch milliseconds of an ISO date or time (UTC) or of epoch milliseconds.

    A time without an offset is UTC; one with an offset is converted to UTC. A bare date is
    its midnight.

    Raises:
        ValueError: if `text` is neither form, or is a number too small to be epoch
            milliseconds (epoch seconds typed by mistake); the message says what it expects.
    """
    value = text.strip()
    if value.lstrip("-").isdigit():
        number = int(value)
        if 0 <= number < _SMALLEST_PLAUSIBLE_MS:
            raise ValueError(
                f"{text!r} looks like epoch seconds (or is before 1973); "
                f"give epoch milliseconds ({number * 1000}) or an ISO time"
            )
        if number < 0:
            raise ValueError(f"{text!r} is before 1970; expected {TIME_FORMS}")
        return number
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{text!r} is not a time; expected {TIME_FORMS}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000
