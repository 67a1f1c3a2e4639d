from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from portfolio_builders import D, action, position, state, view

from tradekernel.domain.enums import Side
from tradekernel.features.portfolio.sequences import make_sequence
from tradekernel.features.portfolio.settings import SimulationSettings
from tradekernel.features.portfolio.simulation import simulate

NO_RESERVE = SimulationSettings(fee_rate=D("0.001"), cash_reserve=D("0"))
MARKS = {"BTC/USDT": "50000", "ETH/USDT": "2000"}


def test_buy_funded_by_a_sell_listed_after_it_is_valid_because_sells_run_first() -> None:
    st_ = state("100", (position("BTC/USDT", "0.1", "40000"),), MARKS)
    seq = make_sequence(
        "t",
        "t",
        (
            action("ETH/USDT", Side.BUY, "1", "2000"),
            action("BTC/USDT", Side.SELL, "0.05", "50000"),
        ),
    )
    outcome = simulate(seq, view(st_), NO_RESERVE)
    assert outcome.valid
    assert [a.side for a in outcome.executed] == [Side.SELL, Side.BUY]
    # 100 + 2500 - 2.5 fee - 2000 - 2 fee
    assert outcome.cash == D("595.5")
    assert outcome.fees == D("4.5")
    assert outcome.quantities == {"BTC/USDT": D("0.05"), "ETH/USDT": D("1")}


def test_buy_that_overdraws_cash_is_invalid_with_the_reason() -> None:
    st_ = state("1000", (), MARKS)
    seq = make_sequence("t", "t", (action("ETH/USDT", Side.BUY, "0.5", "2000"),))
    outcome = simulate(seq, view(st_), NO_RESERVE)
    assert not outcome.valid
    assert "overdraws cash" in outcome.reason and "ETH/USDT" in outcome.reason
    assert outcome.cash == D("1000") and outcome.executed == ()


def test_buy_into_the_cash_reserve_is_invalid() -> None:
    st_ = state("1000", (), MARKS)
    seq = make_sequence("t", "t", (action("ETH/USDT", Side.BUY, "0.45", "2000"),))
    # 900 + 0.9 fee leaves 99.1 < 10 % of 1000 equity
    outcome = simulate(
        seq, view(st_), SimulationSettings(fee_rate=D("0.001"), cash_reserve=D("0.1"))
    )
    assert not outcome.valid and "reserve 100.00" in outcome.reason
    assert simulate(seq, view(st_), NO_RESERVE).valid


def test_order_below_min_notional_invalidates_the_sequence() -> None:
    st_ = state("1000", (position("ETH/USDT", "0.002", "2000"),), MARKS)
    seq = make_sequence("t", "t", (action("ETH/USDT", Side.SELL, "0.002", "2000"),))
    outcome = simulate(seq, view(st_), NO_RESERVE)
    assert not outcome.valid
    assert outcome.reason == "ETH/USDT: notional 4.00 < min notional 5"


def test_quantity_is_floored_to_the_step_before_trading() -> None:
    st_ = state("1000", (), MARKS)
    seq = make_sequence("t", "t", (action("ETH/USDT", Side.BUY, "0.12345", "2000"),))
    outcome = simulate(seq, view(st_), NO_RESERVE)
    assert outcome.executed[0].quantity == D("0.123")
    assert outcome.cash == D("1000") - D("246") - D("0.246")


def test_selling_more_than_held_is_invalid() -> None:
    st_ = state("0", (position("BTC/USDT", "0.01", "40000"),), MARKS)
    seq = make_sequence("t", "t", (action("BTC/USDT", Side.SELL, "0.02", "50000"),))
    outcome = simulate(seq, view(st_), NO_RESERVE)
    assert not outcome.valid and "holds 0.01" in outcome.reason


def test_symbol_without_rules_is_invalid() -> None:
    st_ = state("1000", (), MARKS)
    seq = make_sequence("t", "t", (action("DOGE/USDT", Side.BUY, "10", "0.1"),))
    assert simulate(seq, view(st_), NO_RESERVE).reason == "DOGE/USDT: no symbol rules"


trade = st.tuples(
    st.sampled_from(["BTC/USDT", "ETH/USDT"]),
    st.sampled_from([Side.BUY, Side.SELL]),
    st.decimals(min_value=Decimal("0.001"), max_value=Decimal("3"), places=3),
)


@settings(max_examples=200, deadline=None)
@given(
    cash=st.decimals(min_value=0, max_value=20000, places=2),
    trades=st.lists(trade, max_size=5),
    reserve=st.sampled_from([D("0"), D("0.05"), D("0.2")]),
)
def test_valid_sequence_never_overdraws_cash_and_matches_a_naive_ledger(
    cash: Decimal, trades: list[tuple[str, Side, Decimal]], reserve: Decimal
) -> None:
    st_ = state(
        str(cash), (position("BTC/USDT", "0.5", "30000"), position("ETH/USDT", "2", "2500")), MARKS
    )
    v = view(st_)
    seq = make_sequence("p", "g", tuple(action(s, side, str(q), MARKS[s]) for s, side, q in trades))
    fee_rate = D("0.001")
    outcome = simulate(seq, v, SimulationSettings(fee_rate=fee_rate, cash_reserve=reserve))
    if not outcome.valid:
        return
    assert outcome.cash >= 0
    if any(a.side is Side.BUY for a in outcome.executed):
        # Buys run last, so the final cash is what the last buy left: never below the reserve.
        assert outcome.cash >= v.equity * reserve
    ledger = cash
    for a in outcome.executed:
        notional = a.quantity * a.price
        ledger += (notional if a.side is Side.SELL else -notional) - notional * fee_rate
    assert outcome.cash == ledger
    assert all(q >= 0 for q in outcome.quantities.values())
