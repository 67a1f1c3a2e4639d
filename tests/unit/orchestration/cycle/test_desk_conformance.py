"""One contract, two desks: `DirectDesk` and `OmsDesk` over the same kind of backtest venue.

Fed the same intents and the same bars, both desks must report the same outcomes, the
same working orders and open-order views, the same orders after fills, and send the venue
identical submissions: otherwise a backtest and a paper run of one plan could diverge.
Client order ids are unique here: a re-sent id reaches the backtest venue through the
direct desk (refused there as a duplicate) but not through the OMS, which answers it from
its record; order care counts neither answer, so its decisions still agree.
"""

from collections.abc import Callable, Sequence
from decimal import Decimal

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from msgspec import UNSET, UnsetType
from tests.fakes.order_store import FakeOrderStore
from typing_extensions import override

from tradekernel.adapters.backtest.settings import VenueSettings
from tradekernel.adapters.backtest.venue import BacktestVenue
from tradekernel.domain.enums import CloseSemantics, OrderStatus, OrderType, Side
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.market import Bar
from tradekernel.domain.orders import OpenOrderView, Order
from tradekernel.domain.plan import Plan, UniverseRecord
from tradekernel.orchestration.cycle.backoff import RejectionBackoff
from tradekernel.orchestration.cycle.desk import DirectDesk, OmsDesk, OrderDesk, Outcome
from tradekernel.orchestration.cycle.market_clock import MarketClock
from tradekernel.orchestration.cycle.order_care import OrderCare
from tradekernel.orchestration.oms.order_manager import OrderManager

VENUE = VenueSettings(
    starting_cash=Decimal(300),
    quote_asset="USDT",
    maker_fee=Decimal("0.001"),
    taker_fee=Decimal("0.002"),
    slippage_bps=Decimal(5),
    participation=Decimal("0.5"),
)
STEP_MS = 60_000


class RecordingVenue(BacktestVenue):
    """The backtest venue, keeping every intent it was asked to submit (refused ones too)."""

    def __init__(self, clock: MarketClock) -> None:
        super().__init__(VENUE, clock)
        self.submissions: list[ExecutionIntent] = []

    @override
    def submit(self, intent: ExecutionIntent) -> Order:
        self.submissions.append(intent)
        return super().submit(intent)

    @override
    def submit_status(self, intent: ExecutionIntent) -> OrderStatus:
        self.submissions.append(intent)
        return super().submit_status(intent)


@attrs.frozen(kw_only=True)
class Rig:
    """A desk with the venue and market clock it runs on."""

    desk: OrderDesk
    venue: RecordingVenue
    clock: MarketClock


def direct_rig() -> Rig:
    clock = MarketClock()
    venue = RecordingVenue(clock)
    return Rig(desk=DirectDesk(venue), venue=venue, clock=clock)


def oms_rig() -> Rig:
    clock = MarketClock()
    venue = RecordingVenue(clock)
    manager = OrderManager(store=FakeOrderStore(), venue=venue, clock=clock)
    return Rig(desk=OmsDesk(manager, venue), venue=venue, clock=clock)


RIGS: dict[str, Callable[[], Rig]] = {"direct": direct_rig, "oms": oms_rig}


@attrs.frozen(kw_only=True)
class Seen:
    """What a desk reported after one step."""

    outcomes: tuple[Outcome, ...]
    views: tuple[OpenOrderView, ...]
    working: tuple[tuple[str, str], ...]
    orders: tuple[Order, ...]


def step(
    rig: Rig,
    now_ms: int,
    bars: Sequence[Bar],
    cancels: Sequence[str],
    intents: Sequence[ExecutionIntent],
) -> Seen:
    """Run one step as the cycle runner does: bars and fills, cancels, then sends."""
    rig.clock.set(now_ms)
    fills = [fill for bar in bars for fill in rig.venue.on_bar(bar)]
    rig.desk.take_fills(fills)
    working = dict((cid, symbol) for symbol, cid in rig.desk.working())
    for cid in cancels:
        if cid in working:
            rig.desk.cancel(working[cid], cid)
    outcomes = tuple(rig.desk.send(intent) for intent in intents)
    return Seen(
        outcomes=outcomes,
        views=rig.desk.open_order_views(),
        # The contract names no order for `working` (the runner reads it as a set): the
        # direct desk lists by symbol, the OMS by age.
        working=tuple(sorted(rig.desk.working())),
        orders=rig.desk.orders(),
    )


def bar(symbol: str, ts_ms: int, price: str, *, swing: str = "1", volume: str = "10") -> Bar:
    mid = Decimal(price)
    return Bar(
        symbol=symbol,
        ts_ms=ts_ms,
        open=mid,
        high=mid + Decimal(swing),
        low=mid - Decimal(swing),
        close=mid,
        volume=Decimal(volume),
    )


def intent(
    coid: str,
    side: Side,
    quantity: str,
    *,
    symbol: str = "BTC/USDT",
    price: str | None = None,
    close: CloseSemantics = CloseSemantics.OPEN,
    delay_ms: int = 0,
) -> ExecutionIntent:
    return ExecutionIntent(
        client_order_id=coid,
        directive_id=f"dir-{coid}",
        symbol=symbol,
        side=side,
        order_type=OrderType.MARKET if price is None else OrderType.LIMIT,
        quantity=Decimal(quantity),
        price=None if price is None else Decimal(price),
        close_semantics=close,
        delay_ms=delay_ms,
    )


# -- a scripted session, against explicit expectations ------------------------------------------


@pytest.mark.parametrize("make_rig", RIGS.values(), ids=RIGS.keys())
def test_a_scripted_session_reports_what_the_venue_did(make_rig: Callable[[], Rig]) -> None:
    rig = make_rig()
    first = step(
        rig,
        0,
        [bar("BTC/USDT", 0, "100")],
        [],
        [
            intent("tk-buy", Side.BUY, "2"),  # market: fills on the next bar
            intent("tk-rest", Side.BUY, "1", price="90"),  # limit: far below, keeps working
            intent("tk-short", Side.SELL, "1"),  # nothing held: refused at submit
            intent("tk-rb", Side.BUY, "1", close=CloseSemantics.REDUCE_ONLY),  # spot: refused
        ],
    )
    assert [o.status for o in first.outcomes] == [
        OrderStatus.ACCEPTED,
        OrderStatus.ACCEPTED,
        OrderStatus.REJECTED,
        OrderStatus.REJECTED,
    ]
    assert first.outcomes[2].detail == (
        "InsufficientFunds: sell 1 BTC/USDT exceeds the free holding 0"
    )
    assert first.outcomes[3].detail == (
        "Rejected: order tk-rb rejected: reduce-only buy on a spot account (nothing to reduce)"
    )
    assert first.working == (("BTC/USDT", "tk-buy"), ("BTC/USDT", "tk-rest"))
    assert [v.client_order_id for v in first.views] == ["tk-buy", "tk-rest"]

    # Volume 2 at 50% participation: one of the two units fills.
    second = step(rig, STEP_MS, [bar("BTC/USDT", STEP_MS, "101", volume="2")], [], [])
    (buy,) = [v for v in second.views if v.client_order_id == "tk-buy"]
    assert (buy.status, buy.filled_quantity) == (OrderStatus.PARTIALLY_FILLED, Decimal(1))

    third = step(
        rig,
        2 * STEP_MS,
        [bar("BTC/USDT", 2 * STEP_MS, "102")],
        ["tk-rest"],
        [intent("tk-tp", Side.SELL, "1", price="110", close=CloseSemantics.REDUCE_ONLY)],
    )
    assert [o.status for o in third.outcomes] == [OrderStatus.ACCEPTED]
    assert third.working == (("BTC/USDT", "tk-tp"),)
    assert [(o.client_order_id, o.status, o.filled_quantity) for o in third.orders] == [
        ("tk-buy", OrderStatus.FILLED, Decimal(2)),
        ("tk-rest", OrderStatus.CANCELLED, Decimal(0)),
        ("tk-tp", OrderStatus.ACCEPTED, Decimal(0)),
    ]

    fourth = step(rig, 3 * STEP_MS, [bar("BTC/USDT", 3 * STEP_MS, "109", swing="2")], [], [])
    assert fourth.working == ()
    assert fourth.views == ()
    assert fourth.orders[-1].status is OrderStatus.FILLED
    assert [i.client_order_id for i in rig.venue.submissions] == [
        "tk-buy",
        "tk-rest",
        "tk-short",
        "tk-rb",
        "tk-tp",
    ]


def test_a_buy_the_cash_cannot_pay_at_fill_time_ends_rejected_on_both_desks() -> None:
    seen = {}
    for name, make_rig in RIGS.items():
        rig = make_rig()
        step(
            rig,
            0,
            [bar("ETH/USDT", 0, "100")],
            [],
            [intent("tk-big", Side.BUY, "20", symbol="ETH/USDT")],
        )
        seen[name] = step(rig, STEP_MS, [bar("ETH/USDT", STEP_MS, "100", volume="100")], [], [])
    assert seen["direct"] == seen["oms"]
    assert seen["oms"].working == ()
    assert [(o.client_order_id, o.status) for o in seen["oms"].orders] == [
        ("tk-big", OrderStatus.REJECTED)
    ]


# -- random sessions: both desks agree at every step --------------------------------------------

_intents = st.tuples(
    st.sampled_from(["BTC/USDT", "ETH/USDT", "ETH/EUR"]),  # EUR is not the venue's quote
    st.sampled_from(list(Side)),
    st.sampled_from(["1", "2", "5", "0.5"]),  # quantity
    st.sampled_from([None, "-3", "0", "2"]),  # None: market; else the limit's offset to the mark
    st.sampled_from([CloseSemantics.OPEN, CloseSemantics.OPEN, CloseSemantics.REDUCE_ONLY]),
)
_steps = st.lists(
    st.tuples(
        st.sampled_from(["-4", "-1", "0", "1", "4"]),  # price move this bar
        st.sampled_from(["1", "3", "50"]),  # bar volume (caps fills at half of it)
        st.lists(st.integers(min_value=0, max_value=12), max_size=2),  # cancel these (by age)
        st.lists(_intents, max_size=4),
    ),
    min_size=1,
    max_size=10,
)


@settings(max_examples=100, deadline=None)
@given(steps=_steps)
def test_both_desks_report_and_submit_the_same_for_any_session(
    steps: list[
        tuple[str, str, list[int], list[tuple[str, Side, str, str | None, CloseSemantics]]]
    ],
) -> None:
    rigs = {name: make_rig() for name, make_rig in RIGS.items()}
    prices = {"BTC/USDT": Decimal(100), "ETH/USDT": Decimal(50), "ETH/EUR": Decimal(40)}
    sent: list[str] = []
    for number, (move, volume, cancel_ages, drawn) in enumerate(steps):
        now = number * STEP_MS
        bars = []
        for symbol in sorted(prices):
            prices[symbol] = max(Decimal(5), prices[symbol] + Decimal(move))
            bars.append(bar(symbol, now, str(prices[symbol]), swing="2", volume=volume))
        intents = []
        for symbol, side, quantity, offset, close in drawn:
            coid = f"tk{len(sent):03d}"
            sent.append(coid)
            price = None if offset is None else str(prices[symbol] + Decimal(offset))
            intents.append(intent(coid, side, quantity, symbol=symbol, price=price, close=close))
        cancels = [sent[age] for age in cancel_ages if age < len(sent)]
        seen = {name: step(rig, now, bars, cancels, intents) for name, rig in rigs.items()}
        assert seen["direct"] == seen["oms"], f"step {number}"
    direct, oms = rigs["direct"].venue, rigs["oms"].venue
    assert direct.submissions == oms.submissions
    assert direct.own_trades() == oms.own_trades()
    assert direct.cash() == oms.cash()


# -- order care over either desk: the runner's decisions cannot depend on the desk --------------

_delays = st.sampled_from([0, 0, 0, STEP_MS, 3 * STEP_MS])


@settings(max_examples=100, deadline=None)
@given(steps=_steps, delays=st.lists(_delays, max_size=40))
def test_order_care_decides_the_same_over_either_desk(
    steps: list[
        tuple[str, str, list[int], list[tuple[str, Side, str, str | None, CloseSemantics]]]
    ],
    delays: list[int],
) -> None:
    rigs = {name: make_rig() for name, make_rig in RIGS.items()}
    cares = {
        name: OrderCare(
            rig.desk,
            RejectionBackoff(base_ms=STEP_MS, max_ms=4 * STEP_MS),
            entry_timeout_ms=2 * STEP_MS,
        )
        for name, rig in rigs.items()
    }
    universe = UniverseRecord(candidates=(), allow=(), deny=(), selected=())
    prices = {"BTC/USDT": Decimal(100), "ETH/USDT": Decimal(50), "ETH/EUR": Decimal(40)}
    planned = 0
    for number, (move, volume, _cancels, drawn) in enumerate(steps):
        now = number * STEP_MS
        bars = []
        for symbol in sorted(prices):
            prices[symbol] = max(Decimal(5), prices[symbol] + Decimal(move))
            bars.append(bar(symbol, now, str(prices[symbol]), swing="2", volume=volume))
        intents = []
        for symbol, side, quantity, offset, close in drawn:
            delay = delays[planned] if planned < len(delays) else 0
            price = None if offset is None else str(prices[symbol] + Decimal(offset))
            coid = f"tk{planned:03d}"
            planned += 1
            intents.append(
                intent(
                    coid, side, quantity, symbol=symbol, price=price, close=close, delay_ms=delay
                )
            )
        plan = Plan(run_id="run-1", cycle_ts_ms=now, universe=universe, intents=tuple(intents))
        for name, rig in rigs.items():
            # The runner's step: bars and fills, due slices, timeouts, then the new plan.
            rig.clock.set(now)
            rig.desk.take_fills([fill for b in bars for fill in rig.venue.on_bar(b)])
            cares[name].send_due(now)
            cares[name].cancel_timed_out(now)
            cares[name].dispatch(plan, now)
    direct, oms = cares["direct"], cares["oms"]
    assert direct.rejections == oms.rejections
    assert direct.dropped == oms.dropped
    assert direct.timed_out == oms.timed_out
    assert direct.backoff.records() == oms.backoff.records()
    assert rigs["direct"].venue.submissions == rigs["oms"].venue.submissions
    assert rigs["direct"].desk.orders() == rigs["oms"].desk.orders()


def _stop(coid: str, stop: str, replaces: str | UnsetType = UNSET) -> ExecutionIntent:
    return ExecutionIntent(
        client_order_id=coid,
        directive_id="dir-stop",
        symbol="BTC/USDT",
        side=Side.SELL,
        order_type=OrderType.STOP,
        quantity=Decimal(1),
        stop_price=Decimal(stop),
        close_semantics=CloseSemantics.REDUCE_ONLY,
        replaces=replaces,
    )


def _holding(rig: Rig) -> None:
    """Buy 1 BTC at 100 and fill it on the next bar, so a sell stop can be held."""
    step(rig, 0, [], [], [intent("tkBuy", Side.BUY, "1")])
    step(rig, STEP_MS, [bar("BTC/USDT", STEP_MS, "100")], [], [])


@pytest.mark.parametrize("name", sorted(RIGS))
def test_a_replacement_cancels_the_stop_first_and_then_holds_the_moved_one(name: str) -> None:
    rig = RIGS[name]()
    _holding(rig)
    rig.desk.send(_stop("tkStop1", "90"))

    outcome = rig.desk.replace(_stop("tkStop2", "95", replaces="tkStop1"))

    assert not outcome.status.is_terminal
    assert rig.venue.fetch_order("BTC/USDT", "tkStop1").status is OrderStatus.CANCELLED
    stops = [v for v in rig.desk.open_order_views() if v.order_type is OrderType.STOP]
    assert [(v.client_order_id, v.price) for v in stops] == [("tkStop2", Decimal(95))]


@pytest.mark.parametrize("name", sorted(RIGS))
def test_a_replacement_of_a_stop_that_filled_is_refused_and_never_sent(name: str) -> None:
    rig = RIGS[name]()
    _holding(rig)
    rig.desk.send(_stop("tkStop1", "90"))
    step(rig, 2 * STEP_MS, [bar("BTC/USDT", 2 * STEP_MS, "85")], [], [])  # the stop fills

    outcome = rig.desk.replace(_stop("tkStop2", "95", replaces="tkStop1"))

    assert outcome == Outcome(
        status=OrderStatus.REJECTED, detail="replaces tkStop1, which is filled, not cancelled"
    )
    assert "tkStop2" not in {i.client_order_id for i in rig.venue.submissions}
