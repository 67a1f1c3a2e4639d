"""The delayed-slice queue, the check a due slice passes, and the restart report."""

import json
from decimal import Decimal

import msgspec

from tradekernel.domain.enums import CloseSemantics, OrderType, Side, SkipReason
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.ports.journal import JournalEntry
from tradekernel.orchestration.cycle.delayed_slices import DelayedSlices, refusal, unsent_slices


def _slice(coid: str, delay_ms: int, symbol: str = "BTC/USDT") -> ExecutionIntent:
    return ExecutionIntent(
        client_order_id=coid,
        directive_id="dir-1",
        symbol=symbol,
        side=Side.BUY,
        order_type=OrderType.MARKET,
        quantity=Decimal("0.01"),
        delay_ms=delay_ms,
    )


class _Halted:
    def permits(self, intent: ExecutionIntent) -> SkipReason | None:
        return SkipReason.TRADING_HALTED


def test_slices_come_out_at_their_due_time_in_the_order_held() -> None:
    queue = DelayedSlices()
    queue.hold(_slice("b", 2_000), 1_000)  # due 3000
    queue.hold(_slice("a", 1_000), 1_000)  # due 2000
    queue.hold(_slice("c", 1_000), 2_000)  # due 3000
    assert queue.take_due(1_999) == [] and len(queue) == 3
    assert [i.client_order_id for i in queue.take_due(2_000)] == ["a"]
    assert [i.client_order_id for i in queue.take_due(5_000)] == ["b", "c"]
    assert len(queue) == 0 and queue.take_due(9_999) == []


def test_a_due_slice_is_refused_while_its_symbol_backs_off_or_trading_forbids_it() -> None:
    intent = _slice("a", 1_000)
    assert refusal(intent, 1_000, {"BTC/USDT": 1_500}, None) == "rejection backoff until 1500"
    assert refusal(intent, 1_500, {"BTC/USDT": 1_500}, None) is None  # the cooldown ended
    assert refusal(intent, 1_000, {"ETH/USDT": 9_000}, None) is None  # another symbol's
    assert refusal(intent, 1_000, {}, _Halted()) == "trading state: trading_halted"
    stopped = "the stop-new-orders switch is on"
    assert refusal(intent, 1_000, {}, None, stop_new_orders=True) == stopped
    closing = msgspec.structs.replace(
        intent, close_semantics=CloseSemantics.CLOSE_ALL, side=Side.SELL
    )
    assert refusal(closing, 1_000, {}, None, stop_new_orders=True) is None  # reductions go


def _entry(cycle: int, intents: object) -> JournalEntry:
    return JournalEntry(
        run_id="live-bot-s1",
        cycle_ts_ms=cycle,
        plan_hash="h",
        plan_json=json.dumps({"intents": intents}),
        context_json="{}",
    )


def test_the_restart_report_names_recorded_delayed_slices_the_store_never_saw() -> None:
    plans = [
        _entry(
            100,
            [
                {"client_order_id": "tk-now", "delay_ms": 0, "skipped": False},
                {"client_order_id": "tk-sent", "delay_ms": 500, "skipped": False},
                {"client_order_id": "tk-lost", "delay_ms": 1_000, "skipped": False},
                {"client_order_id": "tk-skip", "delay_ms": 1_500, "skipped": True},
            ],
        ),
        _entry(200, [{"client_order_id": "tk-later", "delay_ms": 900}]),
        _entry(300, "not a list"),
        JournalEntry(
            run_id="r", cycle_ts_ms=400, plan_hash="h", plan_json="[1, 2]", context_json="{}"
        ),
    ]
    known = {"tk-now", "tk-sent"}
    assert unsent_slices(plans, known.__contains__) == [(100, "tk-lost"), (200, "tk-later")]
