"""Reads and cancels through ccxt's real Binance class: retries, bans, fills around cancels."""

import logging
from collections.abc import Callable
from decimal import Decimal

import numpy as np
import pytest
from tests.fakes.clock import FakeClock
from tests.integration.ccxt.conftest import API_KEY, API_SECRET, RecordingSleep
from tests.integration.ccxt.fake_binance import FakeBinance, Fault
from tests.integration.ccxt.test_ccxt_submit_faults import limit_buy, market_buy

from tradekernel.adapters.ccxt.config import CcxtSettings
from tradekernel.adapters.ccxt.execution import CcxtExecution
from tradekernel.domain.account import Balance
from tradekernel.domain.enums import Liquidity, OrderStatus, Side
from tradekernel.domain.errors import Fatal, OrderNotFound, Transient

Make = Callable[..., CcxtExecution]
BALANCES = ("GET", "/api/v3/account")


def test_429_on_a_read_waits_at_least_the_retry_after_hint(
    venue: FakeBinance, make_execution: Make, sleep: RecordingSleep
) -> None:
    venue.script(
        Fault(
            kind="status",
            method="GET",
            path="/api/v3/account",
            status=429,
            headers={"Retry-After": "3"},
            body={"code": -1003, "msg": "Too many"},
        )
    )

    balances = make_execution().balances()

    assert balances == (Balance(asset="USDT", free=Decimal(100000)),)
    assert len(venue.calls(*BALANCES)) == 2
    assert len(sleep.durations) == 1 and sleep.durations[0] >= 3.0


def test_429_without_a_hint_still_waits_two_seconds(
    venue: FakeBinance, make_execution: Make, sleep: RecordingSleep
) -> None:
    venue.script(
        Fault(
            kind="status",
            method="GET",
            path="/api/v3/account",
            status=429,
            body={"code": -1003, "msg": "Too many"},
        )
    )

    make_execution().balances()

    assert len(sleep.durations) == 1 and sleep.durations[0] >= 2.0


def test_5xx_on_reads_backs_off_exponentially_then_gives_up_as_transient(
    venue: FakeBinance, make_execution: Make, sleep: RecordingSleep
) -> None:
    venue.script(
        *[
            Fault(
                kind="status",
                method="GET",
                path="/api/v3/account",
                status=503,
                body={"msg": "busy"},
            )
            for _ in range(4)
        ]
    )

    with pytest.raises(Transient, match="gave up after 4 attempts"):
        make_execution().balances()

    assert len(venue.calls(*BALANCES)) == 4
    # base 0.5 s doubling, stretched by a jitter factor in [1, 1.25).
    for pause, base in zip(sleep.durations, [0.5, 1.0, 2.0], strict=True):
        assert base <= pause < base * 1.25


def test_418_ban_halts_all_later_traffic_without_touching_the_network(
    venue: FakeBinance, make_execution: Make
) -> None:
    execution = make_execution()
    execution.symbol_rules()
    venue.script(
        Fault(
            kind="status",
            method="GET",
            path="/api/v3/account",
            status=418,
            headers={"Retry-After": "600"},
            body={"code": -1003, "msg": "IP banned"},
        )
    )

    with pytest.raises(Fatal, match="banned"):
        execution.balances()
    seen = len(venue.requests)

    with pytest.raises(Fatal, match="halted"):
        execution.submit(limit_buy())
    with pytest.raises(Fatal, match="halted"):
        execution.fetch_order("BTC/USDT", "tkLimitBuy0001")
    with pytest.raises(Fatal, match="halted"):
        execution.cancel("BTC/USDT", "tkLimitBuy0001")

    assert len(venue.requests) == seen
    assert execution.halted_reason is not None and "banned" in execution.halted_reason


def test_partial_fill_then_cancel_returns_cancelled_with_the_filled_part(
    venue: FakeBinance, make_execution: Make
) -> None:
    execution = make_execution()
    execution.submit(limit_buy(qty="0.03"))
    venue.fill("tkLimitBuy0001", Decimal("0.01"))

    order = execution.cancel("BTC/USDT", "tkLimitBuy0001")
    (fill,) = execution.own_trades("BTC/USDT")

    assert order.client_order_id == "tkLimitBuy0001"
    assert order.status is OrderStatus.CANCELLED
    assert (order.quantity, order.filled_quantity) == (Decimal("0.03"), Decimal("0.01"))
    (cancel,) = venue.calls("DELETE", "/api/v3/order")
    assert cancel.params["origClientOrderId"] == "tkLimitBuy0001"
    assert (fill.client_order_id, fill.side, fill.quantity, fill.price) == (
        "tkLimitBuy0001",
        Side.BUY,
        Decimal("0.01"),
        Decimal(40000),
    )
    assert (fill.fee, fill.fee_asset, fill.liquidity) == (
        Decimal("0.00001"),
        "BTC",
        Liquidity.MAKER,
    )
    # 100000 USDT - 0.01 * 40000 spent; the cancelled remainder is unlocked.
    assert execution.balances() == (
        Balance(asset="BTC", free=Decimal("0.00999")),
        Balance(asset="USDT", free=Decimal(99600)),
    )


def test_fill_arriving_after_the_cancel_request_returns_the_filled_order(
    venue: FakeBinance, make_execution: Make
) -> None:
    execution = make_execution()
    execution.submit(limit_buy())
    venue.script(Fault(kind="fill_on_cancel", method="DELETE"))

    order = execution.cancel("BTC/USDT", "tkLimitBuy0001")

    assert order.status is OrderStatus.FILLED
    assert order.filled_quantity == Decimal("0.02")
    after_cancel = [(r.method, r.path) for r in venue.requests[-2:]]
    assert after_cancel == [("DELETE", "/api/v3/order"), ("GET", "/api/v3/order")]


def test_cancel_of_an_unknown_order_raises_order_not_found(
    venue: FakeBinance, make_execution: Make
) -> None:
    with pytest.raises(OrderNotFound) as raised:
        make_execution().cancel("BTC/USDT", "tkNeverSent")

    assert raised.value.client_order_id == "tkNeverSent"


def test_own_trades_name_our_client_id_even_for_orders_seen_first_in_trades(
    venue: FakeBinance, make_execution: Make
) -> None:
    make_execution().submit(market_buy())
    fresh = make_execution()  # a restarted process: it never saw the submit answer

    (fill,) = fresh.own_trades()

    assert fill.client_order_id == "tkMarketBuy0001"
    lookup = venue.calls("GET", "/api/v3/order")[-1]
    assert lookup.params["orderId"] == str(venue.orders["tkMarketBuy0001"].order_id)


def test_open_orders_lists_working_orders_by_client_id(
    venue: FakeBinance, make_execution: Make
) -> None:
    execution = make_execution()
    execution.submit(limit_buy(coid="tkB"))
    execution.submit(limit_buy(coid="tkA"))
    execution.submit(market_buy())

    orders = execution.open_orders()

    assert [o.client_order_id for o in orders] == ["tkA", "tkB"]
    assert all(o.status is OrderStatus.ACCEPTED for o in orders)


def test_wrong_secret_is_fatal_and_nothing_reveals_the_credentials(
    venue: FakeBinance, clock: FakeClock, sleep: RecordingSleep, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = "tkWrongSecretQ1w2E3r4T5y6U7i8O9"
    settings = CcxtSettings(api_base_url=venue.base_url, timeout_ms=2_000, enable_rate_limit=False)
    env = {"TRADEKERNEL_API_KEY": API_KEY, "TRADEKERNEL_API_SECRET": wrong}
    with CcxtExecution(
        settings, clock=clock, rng=np.random.default_rng(1), environ=env, sleep=sleep
    ) as execution:
        with pytest.raises(Fatal) as raised:
            execution.balances()
        texts = [
            repr(settings),
            repr(execution.__dict__),
            str(raised.value),
            repr(raised.value),
            caplog.text,
        ]

    assert venue.calls(*BALANCES)  # ccxt did talk (and logged at debug level)
    assert "api/v3/account" in caplog.text and "***" in caplog.text  # redacted, not absent
    for text in texts:
        assert wrong not in text and API_SECRET not in text and API_KEY not in text
