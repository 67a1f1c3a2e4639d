from decimal import Decimal

import pytest
from trade_planning_builders import directive, snapshot

from tradekernel.domain.directives import EntryDirective
from tradekernel.domain.enums import OrderType, Side, TimeInForce
from tradekernel.domain.trade_plans import EntryLayer
from tradekernel.features.trade_planning.layered_entry import (
    LayeredEntry,
    LayeredEntryParams,
    LayerWeighting,
)
from tradekernel.features.trade_planning.market_entry import MarketEntry
from tradekernel.features.trade_planning.patient_limit_entry import (
    PatientLimitEntry,
    PatientLimitEntryParams,
)


def test_market_entry_is_one_market_layer_at_the_close_as_reference() -> None:
    plan = MarketEntry().plan(directive(), snapshot(close=100.5))

    assert plan.layers == (EntryLayer(fraction=Decimal(1), order_type=OrderType.MARKET),)
    assert plan.reference_price == Decimal("100.5")
    assert plan.planner == "market"
    assert plan.directive_id == "dir-1"


def test_reference_price_is_the_shortest_repr_of_the_float_close() -> None:
    plan = MarketEntry().plan(directive(), snapshot(close=0.1 + 0.2))

    assert str(plan.reference_price) == "0.30000000000000004"


def test_market_entry_refuses_a_limit_hint() -> None:
    limit = directive(entry=EntryDirective(order_type_hint=OrderType.LIMIT))

    assert MarketEntry().supports(limit) is False
    with pytest.raises(ValueError, match="'market' does not support directive dir-1"):
        MarketEntry().plan(limit, snapshot())


def test_market_entry_accepts_no_hint_and_a_market_hint() -> None:
    market = directive(entry=EntryDirective(order_type_hint=OrderType.MARKET))

    assert MarketEntry().supports(directive()) is True
    assert MarketEntry().supports(market) is True


@pytest.mark.parametrize("close", [0.0, -1.0, float("nan"), float("inf")])
def test_entry_refuses_a_close_that_is_not_a_positive_finite_price(close: float) -> None:
    with pytest.raises(ValueError, match=r"snapshot\.close of BTC/USDT"):
        MarketEntry().plan(directive(), snapshot(close=close))


def test_entry_refuses_a_snapshot_of_another_symbol() -> None:
    with pytest.raises(ValueError, match="is for ETH/USDT but the feature snapshot is for BTC"):
        MarketEntry().plan(directive(symbol="ETH/USDT"), snapshot())


def test_patient_limit_buy_rests_below_the_close_by_the_param_offset() -> None:
    plan = PatientLimitEntry(PatientLimitEntryParams(offset_bps=Decimal(10))).plan(
        directive(), snapshot(close=100.0)
    )

    assert plan.layers == (
        EntryLayer(fraction=Decimal(1), order_type=OrderType.LIMIT, price=Decimal("99.9")),
    )
    assert plan.time_in_force is TimeInForce.GTC
    assert plan.reference_price == Decimal(100)


def test_patient_limit_sell_rests_above_by_the_directive_offset_which_overrides_the_param() -> None:
    entry = PatientLimitEntry(
        PatientLimitEntryParams(offset_bps=Decimal(10), time_in_force=TimeInForce.POST_ONLY)
    )
    sell = directive(side=Side.SELL, entry=EntryDirective(limit_offset_bps=Decimal(50)))

    plan = entry.plan(sell, snapshot(close=100.0))

    assert plan.layers[0].price == Decimal("100.5")
    assert plan.time_in_force is TimeInForce.POST_ONLY


def test_patient_limit_with_zero_offset_rests_at_the_close() -> None:
    zero = directive(entry=EntryDirective(limit_offset_bps=Decimal(0)))

    plan = PatientLimitEntry().plan(zero, snapshot(close=250.0))

    assert plan.layers[0].price == Decimal(250)


@pytest.mark.parametrize(
    "entry",
    [
        EntryDirective(order_type_hint=OrderType.MARKET),
        EntryDirective(order_type_hint=OrderType.STOP),
        EntryDirective(limit_offset_bps=Decimal(-1)),
        EntryDirective(limit_offset_bps=Decimal(10000)),
        EntryDirective(limit_offset_bps=Decimal("NaN")),
    ],
)
def test_patient_limit_does_not_support_hints_it_cannot_honour(entry: EntryDirective) -> None:
    unsupported = directive(entry=entry)

    assert PatientLimitEntry().supports(unsupported) is False
    with pytest.raises(ValueError, match="'patient_limit' does not support"):
        PatientLimitEntry().plan(unsupported, snapshot())


def test_layered_buy_with_equal_weights_spaces_layers_below_the_close() -> None:
    params = LayeredEntryParams(layers=3, first_offset_bps=Decimal(10), spacing_bps=Decimal(25))

    plan = LayeredEntry(params).plan(directive(), snapshot(close=200.0))

    assert [layer.price for layer in plan.layers] == [
        Decimal("199.8"),
        Decimal("199.3"),
        Decimal("198.8"),
    ]
    assert [layer.fraction for layer in plan.layers] == [
        Decimal("0.333333333333"),
        Decimal("0.333333333333"),
        Decimal("0.333333333334"),
    ]
    assert {layer.order_type for layer in plan.layers} == {OrderType.LIMIT}


def test_layered_sell_with_geometric_weights_gives_the_remainder_to_the_deepest_layer() -> None:
    params = LayeredEntryParams(
        layers=3,
        first_offset_bps=Decimal(0),
        spacing_bps=Decimal(100),
        weighting=LayerWeighting.GEOMETRIC,
        ratio=Decimal(2),
    )

    plan = LayeredEntry(params).plan(directive(side=Side.SELL), snapshot(close=100.0))

    assert [layer.price for layer in plan.layers] == [Decimal(100), Decimal(101), Decimal(102)]
    # weights 1, 2, 4 over 7, each but the last rounded down to 12 places
    assert [layer.fraction for layer in plan.layers] == [
        Decimal("0.142857142857"),
        Decimal("0.285714285714"),
        Decimal("0.571428571429"),
    ]
    assert sum(layer.fraction for layer in plan.layers) == Decimal(1)


def test_layered_directive_offset_replaces_the_first_offset() -> None:
    params = LayeredEntryParams(layers=2, first_offset_bps=Decimal(10), spacing_bps=Decimal(100))
    hinted = directive(entry=EntryDirective(limit_offset_bps=Decimal(200)))

    plan = LayeredEntry(params).plan(hinted, snapshot(close=100.0))

    assert [layer.price for layer in plan.layers] == [Decimal(98), Decimal(97)]


def test_layered_does_not_support_an_offset_that_pushes_the_deepest_layer_past_zero() -> None:
    params = LayeredEntryParams(layers=3, first_offset_bps=Decimal(0), spacing_bps=Decimal(1000))
    deep = directive(entry=EntryDirective(limit_offset_bps=Decimal(8000)))

    assert LayeredEntry(params).supports(deep) is False
    assert LayeredEntry(params).supports(directive()) is True
    with pytest.raises(ValueError, match="'layered' does not support"):
        LayeredEntry(params).plan(deep, snapshot())


def test_layered_does_not_support_a_market_hint() -> None:
    market = directive(entry=EntryDirective(order_type_hint=OrderType.MARKET))

    assert LayeredEntry().supports(market) is False
