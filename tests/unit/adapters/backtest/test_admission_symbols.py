"""The venue's symbol split: ccxt symbols as the blueprint splits them, file-style names too."""

import pytest

from tradekernel.adapters.backtest.admission import base_of, quote_of
from tradekernel.domain.blueprint import base_and_quote


@pytest.mark.parametrize("symbol", ["BTC/USDT", "XRP/USDT:USDT", "ETH/BTC"])
def test_a_ccxt_symbol_splits_as_the_blueprint_splits_it(symbol: str) -> None:
    assert (base_of(symbol), quote_of(symbol)) == base_and_quote(symbol)


def test_a_swap_symbol_is_quoted_in_the_asset_before_its_settle_suffix() -> None:
    assert quote_of("XRP/USDT:USDT") == "USDT"


def test_file_style_and_bare_names() -> None:
    assert (base_of("BTC-USD"), quote_of("BTC-USD")) == ("BTC", "USD")
    assert (base_of("BTCUSD"), quote_of("BTCUSD")) == ("BTCUSD", None)
