"""`ExecutionIntent.position_side` is left out of canonical JSON until set: plans keep bytes."""

import json
from decimal import Decimal

import msgspec
import pytest

from tradekernel.domain.enums import CloseSemantics, OrderType, Side
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.perpetuals import PositionSide
from tradekernel.domain.plan import Plan, UniverseRecord
from tradekernel.orchestration.records.canonical import canonical_json, structure_plan

# The canonical text of this intent before position_side existed (hash format 2).
BEFORE = (
    '{"allow_market_fallback":false,"causes":[],"client_order_id":"tk1",'
    '"close_semantics":"close_all","delay_ms":0,"directive_id":"d1",'
    '"order_type":"market","price":null,"quantity":"3","reference_price":null,'
    '"side":"buy","sizing_policy":"delegated","skip_detail":"","skip_reason":null,'
    '"skipped":false,"slice_index":0,"stop_loss_price":null,"stop_price":null,'
    '"symbol":"XRP/USDT","take_profit_price":null,"time_in_force":"gtc"}'
)


def _intent() -> ExecutionIntent:
    return ExecutionIntent(
        client_order_id="tk1",
        directive_id="d1",
        symbol="XRP/USDT",
        side=Side.BUY,
        order_type=OrderType.MARKET,
        quantity=Decimal(3),
        close_semantics=CloseSemantics.CLOSE_ALL,
    )


def test_an_intent_without_a_position_side_keeps_its_bytes() -> None:
    assert canonical_json(_intent()) == BEFORE
    with pytest.raises(TypeError, match="UNSET, not None"):
        msgspec.structs.replace(_intent(), position_side=None)


def test_a_hedge_mode_close_of_a_short_round_trips() -> None:
    closing = msgspec.structs.replace(_intent(), position_side=PositionSide.SHORT)
    assert closing.reduce_only
    assert '"position_side":"short"' in canonical_json(closing)
    plan = Plan(
        run_id="r",
        cycle_ts_ms=1,
        universe=UniverseRecord(candidates=(), allow=(), deny=(), selected=()),
        intents=(_intent(), closing),
    )
    rebuilt = structure_plan(json.loads(canonical_json(plan)))
    assert rebuilt == plan
    assert canonical_json(rebuilt) == canonical_json(plan)
