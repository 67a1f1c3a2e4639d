"""Protective exits as order care places them: after the fill, resized on a partial fill,
withdrawn by a close, rounded to the symbol's grid, held back by the trading state, and
hidden from the planner with the holding they lock."""

from decimal import Decimal

import attrs
from hypothesis import given
from hypothesis import strategies as st
from msgspec.structs import replace

from tradekernel.domain.account import Balance
from tradekernel.domain.enums import CloseSemantics, OrderStatus, OrderType, Side, SkipReason
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.market import SymbolRules
from tradekernel.domain.orders import OpenOrderView
from tradekernel.orchestration.cycle.desk import Outcome
from tradekernel.orchestration.cycle.protective_exits import ProtectiveExits, protective_intent
from tradekernel.orchestration.cycle.protective_view import planner_view
from tradekernel.orchestration.oms.order_payload import OrderSpec
from tradekernel.orchestration.oms.order_state import FillRecord, OrderState
from tradekernel.shared.ids import (
    protected_entry_id,
    protective_order_id,
    protective_revision,
)

D = Decimal
SYMBOL = "BTC/USDT"
ENTRY = "tk" + "a" * 30
RULES = SymbolRules(
    symbol=SYMBOL, base="BTC", quote="USDT", tick_size=D("0.1"), step_size=D("0.001")
)


@attrs.define
class _Order:
    symbol: str
    quantity: Decimal
    filled: Decimal = attrs.field(factory=Decimal)
    finished: bool = False


class FakeDesk:
    def __init__(self) -> None:
        self.orders: dict[str, _Order] = {}
        self.sent: list[ExecutionIntent] = []
        self.cancelled: list[str] = []
        self.reject = False

    def send(self, intent: ExecutionIntent) -> Outcome:
        self.sent.append(intent)
        if self.reject:
            return Outcome(status=OrderStatus.REJECTED, detail="no")
        self.orders[intent.client_order_id] = _Order(intent.symbol, intent.quantity)
        return Outcome(status=OrderStatus.ACCEPTED)

    def cancel(self, intent_symbol: str, client_order_id: str) -> None:
        self.cancelled.append(client_order_id)
        self.orders[client_order_id].finished = True

    def fill_of(self, symbol: str, client_order_id: str) -> tuple[Decimal, bool] | None:
        order = self.orders.get(client_order_id)
        return None if order is None else (order.filled, order.finished)

    def fill(self, cid: str, qty: str) -> None:
        order = self.orders[cid]
        order.filled += D(qty)
        order.finished = order.filled == order.quantity


def entry(stop: str | None = "95.04", target: str | None = "110.01") -> ExecutionIntent:
    return ExecutionIntent(
        client_order_id=ENTRY,
        directive_id="d",
        symbol=SYMBOL,
        side=Side.BUY,
        order_type=OrderType.MARKET,
        quantity=D("1"),
        stop_loss_price=None if stop is None else D(stop),
        take_profit_price=None if target is None else D(target),
    )


def _sent_entry(desk: FakeDesk, protection: ProtectiveExits, intent: ExecutionIntent) -> None:
    desk.send(intent)
    protection.watch(intent)


def test_nothing_is_placed_before_the_fill_then_one_oco_for_the_filled_quantity() -> None:
    desk = FakeDesk()
    placed: list[tuple[str, str]] = []
    protection = ProtectiveExits(
        desk, desk.fill_of, rules={SYMBOL: RULES}, on_placed=lambda s, c: placed.append((s, c))
    )
    _sent_entry(desk, protection, entry())
    protection.follow(1)
    assert len(desk.sent) == 1
    desk.fill(ENTRY, "1")
    protection.follow(2)
    oco = desk.sent[-1]
    assert oco.client_order_id == protective_order_id(ENTRY, 0)
    assert (oco.order_type, oco.side, oco.quantity) == (OrderType.OCO, Side.SELL, D(1))
    # A sell's levels round up to the tick: the stop triggers earlier, the target sells higher.
    assert (oco.stop_price, oco.price) == (D("95.1"), D("110.1"))
    assert oco.close_semantics is CloseSemantics.REDUCE_ONLY
    assert oco.causes == (ENTRY,)
    assert placed == [(SYMBOL, oco.client_order_id)]
    protection.follow(3)
    assert len(desk.sent) == 2  # placed once


def test_a_partial_fill_is_protected_then_resized_under_the_next_revision() -> None:
    desk = FakeDesk()
    protection = ProtectiveExits(desk, desk.fill_of)
    _sent_entry(desk, protection, entry())
    desk.fill(ENTRY, "0.4")
    protection.follow(1)
    first = desk.sent[-1]
    assert first.quantity == D("0.4")
    desk.fill(ENTRY, "0.6")
    protection.follow(2)
    second = desk.sent[-1]
    assert desk.cancelled == [first.client_order_id]
    assert second.client_order_id == protective_order_id(ENTRY, 1)
    assert second.quantity == D(1)


def test_a_protective_order_that_traded_part_before_its_resize_is_not_sold_twice() -> None:
    desk = FakeDesk()
    protection = ProtectiveExits(desk, desk.fill_of)
    _sent_entry(desk, protection, entry())
    desk.fill(ENTRY, "0.4")
    protection.follow(1)
    desk.fill(desk.sent[-1].client_order_id, "0.1")
    desk.fill(ENTRY, "0.6")
    protection.follow(2)
    assert desk.sent[-1].quantity == D("0.9")


def test_when_the_protective_order_ends_the_entry_is_forgotten() -> None:
    desk = FakeDesk()
    protection = ProtectiveExits(desk, desk.fill_of)
    _sent_entry(desk, protection, entry())
    desk.fill(ENTRY, "1")
    protection.follow(1)
    desk.fill(desk.sent[-1].client_order_id, "1")
    protection.follow(2)
    assert not protection


def test_a_close_withdraws_the_symbols_protective_orders() -> None:
    desk = FakeDesk()
    protection = ProtectiveExits(desk, desk.fill_of)
    _sent_entry(desk, protection, entry())
    desk.fill(ENTRY, "1")
    protection.follow(1)
    protection.withdraw("ETH/USDT")
    assert desk.cancelled == []
    protection.withdraw(SYMBOL)
    assert desk.cancelled == [desk.sent[-1].client_order_id]
    assert not protection


def test_a_stop_alone_is_a_stop_and_a_target_alone_a_limit() -> None:
    assert protective_intent(entry(target=None), D(1), 0, None).order_type is OrderType.STOP  # type: ignore[union-attr]
    alone = protective_intent(entry(stop=None), D(1), 0, None)
    assert alone is not None and alone.order_type is OrderType.LIMIT
    assert alone.price == D("110.01") and alone.stop_price is None
    assert protective_intent(entry(stop=None, target=None), D(1), 0, None) is None
    assert protective_intent(entry(), D("0.0004"), 0, RULES) is None  # floors to 0


def test_entries_without_levels_and_closes_are_not_watched() -> None:
    desk = FakeDesk()
    protection = ProtectiveExits(desk, desk.fill_of)
    protection.watch(entry(stop=None, target=None))
    protection.watch(replace(entry(), close_semantics=CloseSemantics.CLOSE_ALL))
    assert not protection


def test_a_refused_protective_order_is_reported_and_not_retried_every_bar() -> None:
    desk = FakeDesk()
    protection = ProtectiveExits(desk, desk.fill_of)
    _sent_entry(desk, protection, entry())
    desk.fill(ENTRY, "1")
    desk.reject = True
    protection.follow(1)
    protection.follow(2)
    assert len(desk.sent) == 2
    assert protection.rejections == [(1, protective_order_id(ENTRY, 0), "no")]


class _Halted:
    def __init__(self) -> None:
        self.halted = True

    def permits(self, intent: ExecutionIntent) -> SkipReason | None:
        return SkipReason.TRADING_HALTED if self.halted else None


def test_a_trading_state_that_refuses_holds_the_protective_order_back_until_it_permits() -> None:
    desk = FakeDesk()
    control = _Halted()
    protection = ProtectiveExits(desk, desk.fill_of, control=control)
    _sent_entry(desk, protection, entry())
    desk.fill(ENTRY, "1")
    protection.follow(1)
    assert len(desk.sent) == 1
    control.halted = False
    protection.follow(2)
    assert desk.sent[-1].client_order_id == protective_order_id(ENTRY, 0)


@given(st.integers(min_value=0, max_value=99))
def test_protective_ids_name_their_entry_and_fit_binance(revision: int) -> None:
    cid = protective_order_id(ENTRY, revision)
    assert protected_entry_id(cid) == ENTRY
    assert protective_revision(cid) == revision
    assert len(cid) <= 36
    assert protected_entry_id(ENTRY) is None


def _view(cid: str, qty: str = "1", filled: str = "0") -> OpenOrderView:
    return OpenOrderView(
        symbol=SYMBOL,
        side=Side.SELL,
        order_type=OrderType.OCO,
        price=D(110),
        quantity=D(qty),
        client_order_id=cid,
        filled_quantity=D(filled),
        reduce_only=True,
    )


def test_the_planner_sees_neither_protective_orders_nor_the_holding_they_lock() -> None:
    balances = [
        Balance(asset="BTC", free=D("0.5"), locked=D("1.5")),
        Balance(asset="USDT", free=D(5)),
    ]
    plain = _view("tk-plain", qty="0.5")
    protective = _view(protective_order_id(ENTRY, 0), qty="1.2", filled="0.2")
    seen, orders = planner_view(balances, (plain, protective), {SYMBOL: RULES})
    assert orders == (plain,)
    assert seen == [Balance(asset="BTC", free=D("1.5"), locked=D("0.5")), balances[1]]
    # Without a protective order the account is handed over as it is.
    same, unchanged = planner_view(balances, (plain,), {SYMBOL: RULES})
    assert same is balances and unchanged == (plain,)


def _state(spec: OrderSpec, status: OrderStatus, filled: str = "0") -> OrderState:
    fills = (
        (FillRecord(trade_id="t", quantity=D(filled), price=D(100), ts_ms=0, sequence=2),)
        if D(filled)
        else ()
    )
    return OrderState(
        spec=spec, status=status, created_ms=0, updated_ms=0, last_sequence=1, fills=fills
    )


def _spec(intent: ExecutionIntent) -> OrderSpec:
    return OrderSpec.from_intent(intent)


def test_a_restart_protects_a_fill_the_stopped_process_never_protected() -> None:
    desk = FakeDesk()
    desk.orders[ENTRY] = _Order(SYMBOL, D(1), D(1), True)
    protection = ProtectiveExits(desk, desk.fill_of)
    protection.resume([_state(_spec(entry()), OrderStatus.FILLED, "1")])
    protection.follow(1)
    assert [i.client_order_id for i in desk.sent] == [protective_order_id(ENTRY, 0)]


def test_a_restart_watches_a_working_protective_order_without_sending_it_again() -> None:
    desk = FakeDesk()
    desk.orders[ENTRY] = _Order(SYMBOL, D(1), D(1), True)
    placed = protective_intent(entry(), D(1), 0, None)
    assert placed is not None
    desk.orders[placed.client_order_id] = _Order(SYMBOL, D(1))
    protection = ProtectiveExits(desk, desk.fill_of)
    protection.resume(
        [
            _state(_spec(entry()), OrderStatus.FILLED, "1"),
            _state(_spec(placed), OrderStatus.ACCEPTED),
        ]
    )
    protection.follow(1)
    assert desk.sent == []
    protection.withdraw(SYMBOL)
    assert desk.cancelled == [placed.client_order_id]


def test_a_restart_forgets_entries_whose_exit_ended_or_that_never_filled() -> None:
    desk = FakeDesk()
    placed = protective_intent(entry(), D(1), 0, None)
    assert placed is not None
    protection = ProtectiveExits(desk, desk.fill_of)
    protection.resume(
        [
            _state(_spec(entry()), OrderStatus.FILLED, "1"),
            _state(_spec(placed), OrderStatus.FILLED, "1"),
            _state(_spec(replace(entry(), client_order_id="tkB")), OrderStatus.CANCELLED),
            _state(_spec(replace(entry(stop=None, target=None), client_order_id="tkC")),
                   OrderStatus.FILLED, "1"),
        ]
    )  # fmt: skip
    assert not protection


def test_a_shorts_exit_is_a_buy_capped_to_what_the_short_side_holds() -> None:
    desk = FakeDesk()
    asked: list[tuple[str, Side]] = []

    def held(symbol: str, side: Side) -> Decimal:
        asked.append((symbol, side))
        return D("0.6")  # the short was partly closed meanwhile: never buy more (a flip)

    protection = ProtectiveExits(desk, desk.fill_of, rules={SYMBOL: RULES}, held=held)
    short = replace(entry(stop="110.01", target="95.04"), side=Side.SELL)
    _sent_entry(desk, protection, short)
    desk.fill(ENTRY, "1")
    protection.follow(1)
    oco = desk.sent[-1]
    assert (oco.order_type, oco.side, oco.quantity) == (OrderType.OCO, Side.BUY, D("0.6"))
    # A buy's levels round down to the tick: the stop (above) triggers earlier.
    assert (oco.stop_price, oco.price) == (D("110.0"), D("95.0"))
    assert asked == [(SYMBOL, Side.SELL)]
