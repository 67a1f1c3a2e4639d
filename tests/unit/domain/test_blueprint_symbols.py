"""A symbol's base and quote assets, spot and ccxt unified swap symbols alike."""

import pytest

from tradekernel.domain.blueprint import base_and_quote


@pytest.mark.parametrize(
    ("symbol", "expected"),
    [
        ("ETH/BTC", ("ETH", "BTC")),
        ("XRP/USDT:USDT", ("XRP", "USDT")),
        ("BTC/USD:BTC", ("BTC", "USD")),
        ("XRP", ("XRP", "")),
    ],
)
def test_the_quote_is_the_part_before_a_settle_asset(
    symbol: str, expected: tuple[str, str]
) -> None:
    assert base_and_quote(symbol) == expected
