"""The one table of known timeframes: names, lengths, and refusal of unknown names."""

import pytest

from tradekernel.domain.errors import ConfigError
from tradekernel.domain.timeframes import TIMEFRAME_MS, timeframe_ms, timeframe_name


def test_every_known_timeframe_round_trips_through_its_length() -> None:
    for name, length in TIMEFRAME_MS.items():
        assert timeframe_ms(name) == length
        assert timeframe_name(length) == name
    assert timeframe_ms("1h") == 3_600_000
    assert timeframe_ms("4h") == 14_400_000


@pytest.mark.parametrize("name", ["banana", "60m", "1H", ""])
def test_an_unknown_timeframe_is_a_config_error_listing_the_known_ones(name: str) -> None:
    with pytest.raises(ConfigError) as caught:
        timeframe_ms(name, file="bp.toml")
    assert caught.value.path == "blueprint.timeframe"
    assert caught.value.file == "bp.toml"
    assert f"unknown timeframe {name!r} (known: 1m, 3m, 5m" in caught.value.message


def test_an_unknown_length_is_named_in_its_largest_whole_unit() -> None:
    assert timeframe_name(7_200_000 * 5) == "10h"
    assert timeframe_name(1_000) == "1s"
    assert timeframe_name(1_500) == "1500ms"
