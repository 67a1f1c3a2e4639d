"""ccxt's real `binanceusdm` class against the loopback fake USDⓈ-M venue: the account
calls of `CcxtPerpetualAccount` and reduce-only orders through `CcxtExecution`."""

from collections.abc import Iterator
from decimal import Decimal

import numpy as np
import pytest
from tests.fakes.clock import FakeClock
from tests.integration.ccxt.conftest import API_KEY, API_SECRET, ENV, serving
from tests.integration.ccxt.fake_binance_usdm import FakeBinanceUsdm, income_entry

from tradekernel.adapters.ccxt.config import CcxtSettings, MarketType
from tradekernel.adapters.ccxt.execution import CcxtExecution
from tradekernel.domain.enums import CloseSemantics, OrderStatus, OrderType, Side
from tradekernel.domain.errors import Rejected
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.perpetuals import MarginMode, PositionMode

SYMBOL = "BTC/USDT:USDT"


@pytest.fixture
def usdm() -> Iterator[FakeBinanceUsdm]:
    with serving(FakeBinanceUsdm(api_key=API_KEY, secret=API_SECRET)) as server:
        yield server


@pytest.fixture
def execution(usdm: FakeBinanceUsdm) -> Iterator[CcxtExecution]:
    settings = CcxtSettings(
        exchange_id="binanceusdm",
        market_type=MarketType.SWAP,
        api_base_url=usdm.base_url,
        symbols=(SYMBOL,),
        enable_rate_limit=False,
    )
    with CcxtExecution(
        settings, clock=FakeClock(), rng=np.random.default_rng(7), environ=ENV
    ) as built:
        yield built


def market(side: Side, quantity: str, coid: str, *, close: bool = False) -> ExecutionIntent:
    return ExecutionIntent(
        client_order_id=coid,
        directive_id="dir-1",
        symbol=SYMBOL,
        side=side,
        order_type=OrderType.MARKET,
        quantity=Decimal(quantity),
        close_semantics=CloseSemantics.CLOSE_ALL if close else CloseSemantics.OPEN,
    )


def test_prepare_twice_sets_margin_once_and_takes_4046_as_success(
    usdm: FakeBinanceUsdm, execution: CcxtExecution
) -> None:
    account = execution.perpetual_account()
    first = account.prepare(leverage=5, margin_mode=MarginMode.ISOLATED)
    second = account.prepare(leverage=5, margin_mode=MarginMode.ISOLATED)
    assert first == (f"{SYMBOL}: margin mode isolated (set), leverage 5x",)
    assert second == (f"{SYMBOL}: margin mode isolated (already set), leverage 5x",)
    assert usdm.margin_type == {"BTCUSDT": "ISOLATED"}
    assert usdm.leverage == {"BTCUSDT": 5}


def test_position_mode_reads_dual_side(usdm: FakeBinanceUsdm, execution: CcxtExecution) -> None:
    account = execution.perpetual_account()
    assert account.position_mode() is PositionMode.ONE_WAY
    usdm.dual_side = True
    assert account.position_mode() is PositionMode.HEDGE


def test_positions_are_signed_and_exact(usdm: FakeBinanceUsdm, execution: CcxtExecution) -> None:
    usdm.positions["BTCUSDT"] = (Decimal("-0.013"), Decimal("51234.5"))
    (short,) = execution.positions()
    assert (short.symbol, short.quantity, short.avg_entry_price) == (
        SYMBOL,
        Decimal("-0.013"),
        Decimal("51234.5"),
    )


def test_reduce_only_close_sends_the_flag_and_flattens_a_short(
    usdm: FakeBinanceUsdm, execution: CcxtExecution
) -> None:
    usdm.positions["BTCUSDT"] = (Decimal("-0.010"), Decimal("51000"))
    order = execution.submit(market(Side.BUY, "0.010", "tkclose1", close=True))
    assert order.status is OrderStatus.FILLED
    (sent,) = usdm.calls("POST", "/fapi/v1/order")
    assert sent.params["reduceOnly"] == "true"
    assert execution.positions() == ()


def test_reduce_only_with_nothing_to_reduce_is_rejected(
    usdm: FakeBinanceUsdm, execution: CcxtExecution
) -> None:
    with pytest.raises(Rejected):
        execution.submit(market(Side.SELL, "0.010", "tkclose2", close=True))
    assert usdm.positions == {}


def test_funding_history_reads_the_venue_decimal(
    usdm: FakeBinanceUsdm, execution: CcxtExecution
) -> None:
    now = usdm.now_ms()
    usdm.income += [
        income_entry("BTCUSDT", "-0.00012345", now - 2000, 11),
        income_entry("ETHUSDT", "1.5", now - 1500, 12),
        income_entry("BTCUSDT", "0.5", now - 1000, 13),
    ]
    payments = execution.perpetual_account().funding_payments(now - 1800)
    assert [(p.symbol, p.amount, p.payment_id) for p in payments] == [
        (SYMBOL, Decimal("0.5"), "13")
    ]
    (request,) = usdm.calls("GET", "/fapi/v1/income")
    assert request.params["incomeType"] == "FUNDING_FEE"


def test_swap_balance_is_the_wallet_not_the_margin_balance(
    usdm: FakeBinanceUsdm, execution: CcxtExecution
) -> None:
    # A short 0.01 from 51000 marked at 50000: +10 USDT unrealised, which ccxt's total
    # (the margin balance) holds and the kernel adds itself.
    usdm.positions["BTCUSDT"] = (Decimal("-0.01"), Decimal("51000"))
    (usdt,) = execution.balances()
    assert (usdt.asset, usdt.total) == ("USDT", Decimal("100000"))
