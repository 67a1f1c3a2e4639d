"""Symbol rules from ccxt markets in both precision modes, cross-checked against the raw
exchange fields each market carries in `info`."""

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import ccxt
import pytest

from tradekernel.adapters.ccxt.markets import symbol_rules_from_market
from tradekernel.domain.errors import DataError

DATA = Path(__file__).parent / "data"
BINANCE = json.loads((DATA / "binance_markets_spot.json").read_text())
KRAKEN = json.loads((DATA / "kraken_markets.json").read_text())


def _filter(market: dict[str, Any], kind: str) -> dict[str, str]:
    return next(f for f in market["info"]["filters"] if f["filterType"] == kind)


@pytest.mark.parametrize("symbol", sorted(BINANCE))
def test_binance_decimal_places_rules_match_the_raw_exchange_filters(symbol: str) -> None:
    market = BINANCE[symbol]

    rules = symbol_rules_from_market(market, ccxt.DECIMAL_PLACES)

    price, lot = _filter(market, "PRICE_FILTER"), _filter(market, "LOT_SIZE")
    assert rules.tick_size == Decimal(price["tickSize"])
    assert rules.step_size == Decimal(lot["stepSize"])
    assert rules.min_qty == Decimal(lot["minQty"])
    assert rules.min_notional == Decimal(_filter(market, "NOTIONAL")["minNotional"])
    assert (rules.base, rules.quote) == (market["info"]["baseAsset"], market["info"]["quoteAsset"])


def test_binance_btc_usdt_rules_exactly() -> None:
    rules = symbol_rules_from_market(BINANCE["BTC/USDT"], ccxt.DECIMAL_PLACES)

    assert (rules.tick_size, rules.step_size, rules.price_precision, rules.qty_precision) == (
        Decimal("0.01"),
        Decimal("0.00001"),
        2,
        5,
    )


@pytest.mark.parametrize("symbol", sorted(KRAKEN))
def test_kraken_tick_size_rules_match_the_raw_pair_fields(symbol: str) -> None:
    market = KRAKEN[symbol]
    info = market["info"]

    rules = symbol_rules_from_market(market, ccxt.TICK_SIZE)

    assert rules.tick_size == Decimal(info["tick_size"])
    assert rules.step_size == Decimal(1).scaleb(-int(info["lot_decimals"]))
    assert rules.min_qty == Decimal(info["ordermin"])
    assert rules.qty_precision == int(info["lot_decimals"])


def test_a_market_without_precision_is_a_data_error_naming_the_symbol() -> None:
    broken = {**BINANCE["BTC/USDT"], "precision": {}}

    with pytest.raises(DataError, match="BTC/USDT has no price or amount precision"):
        symbol_rules_from_market(broken, ccxt.DECIMAL_PLACES)


def test_significant_digits_mode_is_refused() -> None:
    with pytest.raises(DataError, match="significant digits"):
        symbol_rules_from_market(BINANCE["BTC/USDT"], ccxt.SIGNIFICANT_DIGITS)
