"""Perpetual terms refuse impossible margin settings; liquidation prices solve their equation."""

from decimal import Decimal

import pytest

from tradekernel.domain.perpetuals import (
    MarginMode,
    PerpetualTerms,
    cross_liquidation_price,
    isolated_liquidation_price,
)


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"leverage": Decimal("0.5")}, "leverage"),
        ({"leverage": Decimal(126)}, "leverage"),
        ({"maintenance_margin_rate": Decimal("1")}, "maintenance_margin_rate"),
        ({"leverage": Decimal(100), "maintenance_margin_rate": Decimal("0.01")}, "initial"),
        ({"funding_interval_ms": 1_000}, "funding_interval_ms"),
    ],
)
def test_terms_refuse(changes: dict[str, object], key: str) -> None:
    with pytest.raises(ValueError, match=key):
        PerpetualTerms(**changes)  # type: ignore[arg-type]


def test_funding_times_are_multiples_of_the_interval() -> None:
    terms = PerpetualTerms(margin_mode=MarginMode.CROSS)
    assert terms.is_funding_time(1637193600000)  # 2021-11-18 00:00 UTC
    assert not terms.is_funding_time(1637193600017)


@pytest.mark.parametrize("quantity", [Decimal(3), Decimal(-3)])
def test_cross_liquidation_price_leaves_the_wallet_at_maintenance(quantity: Decimal) -> None:
    entry, wallet, rate = Decimal(100), Decimal(40), Decimal("0.01")
    price = cross_liquidation_price(quantity, entry, wallet, rate)
    margin = wallet + quantity * (price - entry)
    assert abs(margin - abs(quantity) * price * rate) < Decimal("1e-20")


def test_isolated_equals_cross_when_the_wallet_is_the_initial_margin() -> None:
    entry, leverage, rate = Decimal(100), Decimal(10), Decimal("0.005")
    for quantity in (Decimal(2), Decimal(-2)):
        wallet = abs(quantity) * entry / leverage
        isolated = isolated_liquidation_price(quantity, entry, leverage, rate)
        cross = cross_liquidation_price(quantity, entry, wallet, rate)
        assert abs(isolated - cross) < Decimal("1e-20")
