import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradekernel.shared.utc_time import parse_utc_time, utc_text


def test_times_are_written_as_iso_utc_with_milliseconds_only_when_present() -> None:
    assert utc_text(1499220000000) == "2017-07-05T02:00:00Z"
    assert utc_text(1) == "1970-01-01T00:00:00.001Z"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2017-07-05", 1499212800000),
        ("2017-07-05T02:00", 1499220000000),
        ("2017-07-05T02:00:00Z", 1499220000000),
        ("2017-07-05 02:00:00+00:00", 1499220000000),
        ("2017-07-05T04:00:00+02:00", 1499220000000),
        ("2017-07-05T02:00:00.250Z", 1499220000250),
        ("1499220000000", 1499220000000),
        (" 1499220000000 ", 1499220000000),
    ],
)
def test_iso_dates_times_and_epoch_ms_all_parse_to_utc_milliseconds(
    text: str, expected: int
) -> None:
    assert parse_utc_time(text) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("1499220000", "looks like epoch seconds"),
        ("yesterday", "is not a time"),
        ("2017-13-01", "is not a time"),
        ("-5", "before 1970"),
        ("", "is not a time"),
    ],
)
def test_a_bad_time_is_refused_with_what_was_expected(text: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        parse_utc_time(text)


@given(st.integers(min_value=100_000_000_000, max_value=4_000_000_000_000))
def test_what_is_written_reads_back_as_the_same_millisecond(ts_ms: int) -> None:
    assert parse_utc_time(utc_text(ts_ms)) == ts_ms
    assert utc_text(ts_ms).endswith("Z")
