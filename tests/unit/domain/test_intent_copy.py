"""`skip` and `requantised` change their own fields and carry every other field over."""

from decimal import Decimal

import msgspec
from hypothesis import given
from hypothesis import strategies as st
from msgspec import UNSET

from tradekernel.domain.enums import (
    CloseSemantics,
    OrderType,
    Side,
    SizingPolicy,
    SkipReason,
    TimeInForce,
)
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.perpetuals import PositionSide

decimals = st.decimals(allow_nan=False, allow_infinity=False, places=6)
maybe = st.none() | decimals
FIELDS = {
    "client_order_id": st.text(max_size=8),
    "directive_id": st.text(max_size=8),
    "symbol": st.sampled_from(["BTC/USDT", "ETH/USD"]),
    "side": st.sampled_from(Side),
    "order_type": st.sampled_from(OrderType),
    "quantity": decimals,
    "price": maybe,
    "stop_price": maybe,
    "time_in_force": st.sampled_from(TimeInForce),
    "close_semantics": st.sampled_from(CloseSemantics),
    "sizing_policy": st.sampled_from(SizingPolicy),
    "allow_market_fallback": st.booleans(),
    "reference_price": maybe,
    "stop_loss_price": maybe,
    "take_profit_price": maybe,
    "slice_index": st.integers(0, 9),
    "delay_ms": st.integers(0, 10**7),
    "skipped": st.booleans(),
    "skip_reason": st.none() | st.sampled_from(SkipReason),
    "skip_detail": st.text(max_size=8),
    "causes": st.lists(st.text(max_size=4), max_size=3).map(tuple),
    "replaces": st.just(UNSET) | st.text(min_size=1, max_size=8),
    "max_slippage_bps": st.just(UNSET) | decimals,
    "position_side": st.just(UNSET) | st.sampled_from(PositionSide),
}
intents = st.builds(ExecutionIntent, **FIELDS)  # type: ignore[arg-type]


def test_every_field_is_generated() -> None:
    # A field added to ExecutionIntent must be generated here too, or the tests below
    # could not see whether a copy carries it.
    assert set(FIELDS) == {field.name for field in msgspec.structs.fields(ExecutionIntent)}


def _fields(intent: ExecutionIntent) -> dict[str, object]:
    return {
        field.name: getattr(intent, field.name) for field in msgspec.structs.fields(ExecutionIntent)
    }


@given(intent=intents, quantity=decimals, price=maybe, stop=maybe)
def test_requantised_changes_the_grid_fields_and_keeps_the_rest(
    intent: ExecutionIntent, quantity: Decimal, price: Decimal | None, stop: Decimal | None
) -> None:
    copied = intent.requantised(quantity, price, stop)
    expected = _fields(intent) | {"quantity": quantity, "price": price, "stop_price": stop}
    assert _fields(copied) == expected


@given(intent=intents, reason=st.sampled_from(SkipReason), detail=st.text(max_size=8))
def test_skip_marks_the_intent_and_the_first_reason_wins(
    intent: ExecutionIntent, reason: SkipReason, detail: str
) -> None:
    skipped = intent.skip(reason, detail)
    if intent.skipped:
        assert skipped is intent
    else:
        marked = {"skipped": True, "skip_reason": reason, "skip_detail": detail}
        assert _fields(skipped) == _fields(intent) | marked
