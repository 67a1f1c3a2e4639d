"""Runner-managed protective triggers: the decision on a bar (stop first when one bar
touched both), the one reduce-only market exit it sends, and a restart that neither
forgets the levels nor sends the exit twice."""

from decimal import Decimal

import attrs
from hypothesis import given
from hypothesis import strategies as st
from tests.unit.orchestration.cycle.test_protective_exits import (
    ENTRY,
    RULES,
    SYMBOL,
    FakeDesk,
    _Order,
    _sent_entry,
    _spec,
    _state,
    entry,
)

from tradekernel.domain.enums import CloseSemantics, OrderStatus, OrderType, Side
from tradekernel.orchestration.cycle.protective_exits import ProtectiveExits, protective_intent
from tradekernel.orchestration.cycle.protective_triggers import TriggerBar, touched
from tradekernel.shared.ids import protective_order_id

D = Decimal
HOUR = 3_600_000
prices = st.decimals(min_value=1, max_value=1000, places=2)


def test_the_stop_is_assumed_first_when_one_bar_touched_both() -> None:
    assert touched(Side.SELL, D(95), D(110), high=D(111), low=D(94)) == "stop"
    assert touched(Side.BUY, D(110), D(95), high=D(111), low=D(94)) == "stop"


def test_a_bar_inside_the_levels_touches_nothing_and_an_edge_touches() -> None:
    assert touched(Side.SELL, D(95), D(110), high=D("109.9"), low=D("95.1")) is None
    assert touched(Side.SELL, D(95), D(110), high=D(110), low=D(96)) == "target"
    assert touched(Side.SELL, D(95), None, high=D(200), low=D(95)) == "stop"
    assert touched(Side.BUY, None, D(95), high=D(100), low=D(95)) == "target"


@given(stop=prices, target=prices, high=prices, low=prices)
def test_a_long_is_exited_exactly_when_its_range_reaches_a_level(
    stop: Decimal, target: Decimal, high: Decimal, low: Decimal
) -> None:
    which = touched(Side.SELL, stop, target, high, low)
    assert (which == "stop") == (low <= stop)
    assert (which == "target") == (low > stop and high >= target)


class _Bars:
    def __init__(self) -> None:
        self.bar: TriggerBar | None = TriggerBar(close_ms=HOUR, high=D(101), low=D(99))

    def newest(self, symbol: str) -> TriggerBar | None:
        assert symbol == SYMBOL
        return self.bar


def _armed() -> tuple[FakeDesk, _Bars, ProtectiveExits]:
    desk, bars = FakeDesk(), _Bars()
    protection = ProtectiveExits(desk, desk.fill_of, rules={SYMBOL: RULES}, newest_bar=bars.newest)
    _sent_entry(desk, protection, entry())
    desk.fill(ENTRY, "1")
    protection.follow(0)
    return desk, bars, protection


def test_a_filled_entry_rests_no_order_until_a_later_bar_crosses_its_stop() -> None:
    desk, bars, protection = _armed()
    # The bar the fill came after is not read again, even if it crossed the stop.
    bars.bar = TriggerBar(close_ms=HOUR, high=D(101), low=D(90))
    protection.follow(1)
    bars.bar = TriggerBar(close_ms=2 * HOUR, high=D(110), low=D(96))
    protection.follow(2)
    assert [i.client_order_id for i in desk.sent] == [ENTRY]
    bars.bar = TriggerBar(close_ms=3 * HOUR, high=D(111), low=D(95))  # both: the stop
    protection.follow(3)
    _, exit_ = desk.sent
    assert exit_.client_order_id == protective_order_id(ENTRY, 0)
    assert (exit_.order_type, exit_.side, exit_.quantity) == (OrderType.MARKET, Side.SELL, D(1))
    assert exit_.close_semantics is CloseSemantics.REDUCE_ONLY
    assert (exit_.price, exit_.stop_price, exit_.causes) == (None, None, (ENTRY,))
    desk.fill(exit_.client_order_id, "1")
    protection.follow(4)
    protection.follow(5)
    assert len(desk.sent) == 2
    assert not protection


def test_a_refused_exit_is_retried_on_the_next_bar_not_every_step() -> None:
    desk, bars, protection = _armed()
    desk.reject = True
    bars.bar = TriggerBar(close_ms=2 * HOUR, high=D(101), low=D(90))
    protection.follow(1)
    protection.follow(2)
    assert len(desk.sent) == 2 and len(protection.rejections) == 1
    desk.reject = False
    bars.bar = TriggerBar(close_ms=3 * HOUR, high=D(101), low=D(90))
    protection.follow(3)
    assert desk.sent[-1].client_order_id == protective_order_id(ENTRY, 1)


def test_a_close_of_the_plan_withdraws_the_trigger() -> None:
    desk, bars, protection = _armed()
    protection.withdraw(SYMBOL)
    bars.bar = TriggerBar(close_ms=2 * HOUR, high=D(101), low=D(90))
    protection.follow(1)
    assert len(desk.sent) == 1 and desk.cancelled == []


def test_a_restart_keeps_the_trigger_for_bars_closing_after_the_recorded_fill() -> None:
    desk, bars = FakeDesk(), _Bars()
    desk.orders[ENTRY] = _Order(SYMBOL, D(1), D(1), True)
    protection = ProtectiveExits(desk, desk.fill_of, newest_bar=bars.newest)
    filled = _state(_spec(entry()), OrderStatus.FILLED, "1")
    protection.resume([attrs.evolve(filled, updated_ms=HOUR + 5)])
    bars.bar = TriggerBar(close_ms=HOUR, high=D(101), low=D(90))  # closed before the fill
    protection.follow(1)
    assert desk.sent == []
    bars.bar = TriggerBar(close_ms=2 * HOUR, high=D(101), low=D(90))
    protection.follow(2)
    assert [i.client_order_id for i in desk.sent] == [protective_order_id(ENTRY, 0)]


def test_a_restart_after_the_exit_was_stored_does_not_send_it_again() -> None:
    desk, bars = FakeDesk(), _Bars()
    desk.orders[ENTRY] = _Order(SYMBOL, D(1), D(1), True)
    level = protective_intent(entry(), D(1), 0, None)
    assert level is not None
    desk.orders[level.client_order_id] = _Order(SYMBOL, D(1))
    protection = ProtectiveExits(desk, desk.fill_of, newest_bar=bars.newest)
    sent = _spec(level)
    protection.resume(
        [
            _state(_spec(entry()), OrderStatus.FILLED, "1"),
            _state(sent, OrderStatus.ACCEPTED),
        ]
    )
    bars.bar = TriggerBar(close_ms=2 * HOUR, high=D(101), low=D(90))
    protection.follow(1)
    assert desk.sent == []
    desk.fill(level.client_order_id, "1")
    protection.follow(2)
    assert desk.sent == [] and not protection
