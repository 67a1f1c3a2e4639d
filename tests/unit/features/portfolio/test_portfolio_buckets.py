from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from portfolio_builders import D, position, state

from tradekernel.domain.enums import Side
from tradekernel.domain.errors import ConfigError
from tradekernel.features.portfolio.buckets import Bucket, check_shares, plan_buckets, split
from tradekernel.features.portfolio.factory import create_planner
from tradekernel.features.portfolio.presets import PRESETS

MARKS = {"BTC/USDT": "100", "ETH/USDT": "10", "SOL/USDT": "1"}


def test_each_bucket_gets_its_capital_minus_its_holdings_as_cash() -> None:
    st_ = state("600", (position("BTC/USDT", "3", "90"), position("SOL/USDT", "100", "1")), MARKS)
    # equity 1000: core 70 % = 700 holds BTC 300 -> 400 cash; sat 30 % = 300 holds SOL 100 -> 200.
    states = split(
        st_, {"BTC/USDT": "core", "SOL/USDT": "sat"}, {"core": D("0.7"), "sat": D("0.3")}
    )
    assert states["core"].cash == D("400") and states["sat"].cash == D("200")
    assert [p.symbol for p in states["core"].positions] == ["BTC/USDT"]
    assert [p.symbol for p in states["sat"].positions] == ["SOL/USDT"]


def test_bucket_over_its_capital_gets_no_cash_and_others_share_what_exists() -> None:
    st_ = state("100", (position("BTC/USDT", "9", "90"),), MARKS)
    # equity 1000: sat holds 900 > its 300; core claims 700 but only 100 cash exists.
    states = split(st_, {"BTC/USDT": "sat"}, {"core": D("0.7"), "sat": D("0.3")})
    assert states["sat"].cash == 0 and states["core"].cash == D("100")


def test_shares_above_one_or_unknown_bucket_are_config_errors() -> None:
    with pytest.raises(ConfigError) as error:
        check_shares({"core": D("0.8"), "sat": D("0.3")})
    assert error.value.path == "portfolio.buckets"
    with pytest.raises(ConfigError, match="unknown bucket 'x'"):
        split(
            state("1", (position("BTC/USDT", "1", "1"),), MARKS),
            {"BTC/USDT": "x"},
            {"core": D("1")},
        )


@settings(max_examples=25, deadline=None)
@given(
    cash=st.decimals(min_value=0, max_value=5000, places=2),
    btc=st.decimals(min_value=0, max_value=20, places=2),
    sol=st.decimals(min_value=0, max_value=2000, places=0),
    core_share=st.decimals(min_value=Decimal("0.1"), max_value=Decimal("0.9"), places=2),
)
def test_buckets_never_trade_beyond_their_own_cash_and_holdings(
    cash: Decimal, btc: Decimal, sol: Decimal, core_share: Decimal
) -> None:
    st_ = state(
        str(cash),
        (position("BTC/USDT", str(btc), "50"), position("SOL/USDT", str(sol), "2")),
        MARKS,
        scores={"ETH/USDT": D("0.9"), "SOL/USDT": D("0.8")},
    )
    shares = {"core": core_share, "sat": 1 - core_share}
    assignment = {"BTC/USDT": "core", "SOL/USDT": "sat"}
    buckets = tuple(
        Bucket(name=n, capital_share=s, planner=create_planner(n, PRESETS["aggressive"]()))
        for n, s in shares.items()
    )
    results = plan_buckets(st_, assignment, buckets)
    assert sum((b_state.cash for b_state, _ in results), D(0)) <= cash
    for b_state, plan in results:
        assert plan.best is not None
        held = {p.symbol: p.quantity for p in b_state.positions}
        proceeds = sum((a.notional for a in plan.best.executed if a.side is Side.SELL), D(0))
        spent = sum((a.notional for a in plan.best.executed if a.side is Side.BUY), D(0))
        assert spent + plan.best.fees <= b_state.cash + proceeds
        for a in plan.best.executed:
            if a.side is Side.SELL:
                assert a.quantity <= held.get(a.symbol, D(0))
        assert plan.best.end_cash >= 0
