"""`tradekernel live` on a linear perpetual account, end to end through ccxt's real
`binanceusdm` class against the loopback fake USDⓈ-M venue, on real SQLite files."""

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from tests.integration.ccxt.fake_binance_usdm import FakeBinanceUsdm, income_entry
from tests.integration.live.perp_venue import (
    MARKET,
    fall_then_rise,
    rise_then_fall,
    usdm_venue,
    write_perpetual_config,
)

from tradekernel.bootstrap.cli import main

__all__ = ["usdm_venue"]

ORDER = ("POST", "/fapi/v1/order")
LEVERAGE = ("/fapi/v1/leverage", MARKET)
MARGIN = ("/fapi/v1/marginType", MARKET)


def _live(config: Path, *extra: str, cycles: int = 2) -> int:
    return main(["live", "--config", str(config), "--max-cycles", str(cycles), *extra])


def _summary(out: str) -> dict[str, object]:
    line = next(line for line in out.splitlines() if line.startswith("summary  "))
    data: dict[str, object] = json.loads(line.removeprefix("summary  "))
    return data


def test_live_run_sets_margin_and_leverage_once_and_a_restart_changes_nothing(
    tmp_path: Path, usdm_venue: FakeBinanceUsdm, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_perpetual_config(tmp_path, usdm_venue.base_url)
    assert _live(config, "--live") == 0
    err = capsys.readouterr().err
    assert "margin mode isolated (set), leverage 5x" in err
    assert usdm_venue.changes()[:2] == [MARGIN, LEVERAGE]
    (sent,) = usdm_venue.calls(*ORDER)
    assert (sent.params["side"], sent.params["quantity"]) == ("BUY", "0.01")
    assert "reduceOnly" not in sent.params
    assert usdm_venue.positions[MARKET][0] == Decimal("0.01")
    # A restart: the same settings again (-4046 taken as success), the long continued.
    assert _live(config, "--live") == 0
    captured = capsys.readouterr()
    assert "margin mode isolated (already set), leverage 5x" in captured.err
    assert usdm_venue.margin_type == {MARKET: "ISOLATED"} and usdm_venue.leverage == {MARKET: 5}
    assert len(usdm_venue.calls(*ORDER)) == 1  # the bar was planned already
    summary = _summary(captured.out)
    assert summary["position_mismatches"] == 0 and summary["position_checks"] == 2


def test_dry_run_sends_nothing_to_the_account_and_trades_on_paper(
    tmp_path: Path, usdm_venue: FakeBinanceUsdm, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_perpetual_config(tmp_path, usdm_venue.base_url)
    assert _live(config) == 0
    captured = capsys.readouterr()
    assert "dry run: would set BTC/USDT:USDT margin mode isolated, leverage 5x" in captured.err
    assert usdm_venue.changes() == []
    assert {r.path for r in usdm_venue.requests} == {"/fapi/v1/exchangeInfo", "/fapi/v1/klines"}
    assert _summary(captured.out)["position_checks"] == 2


def test_position_mode_mismatch_refuses_with_exit_2_and_sends_nothing(
    tmp_path: Path, usdm_venue: FakeBinanceUsdm, capsys: pytest.CaptureFixture[str]
) -> None:
    usdm_venue.dual_side = True
    config = write_perpetual_config(tmp_path, usdm_venue.base_url)
    assert _live(config, "--live") == 2
    err = capsys.readouterr().err
    (line,) = [line for line in err.splitlines() if line.startswith("error:")]
    assert "account.position_mode" in line and "hedge" in line
    assert "Traceback" not in err
    assert usdm_venue.changes() == []
    assert not (tmp_path / "bot.db").exists() or usdm_venue.calls(*ORDER) == []


def test_an_unexplained_short_refuses_the_start(
    tmp_path: Path, usdm_venue: FakeBinanceUsdm, capsys: pytest.CaptureFixture[str]
) -> None:
    usdm_venue.positions[MARKET] = (Decimal("-0.01"), Decimal("51000"))
    config = write_perpetual_config(tmp_path, usdm_venue.base_url)
    assert _live(config, "--live") != 0
    err = capsys.readouterr().err
    assert "perpetual positions the store's fills do not explain" in err
    assert "BTC/USDT:USDT: venue holds -0.01 position" in err
    assert usdm_venue.changes() == []


def test_reconcile_reports_an_unexplained_position_and_changes_nothing(
    tmp_path: Path, usdm_venue: FakeBinanceUsdm, capsys: pytest.CaptureFixture[str]
) -> None:
    usdm_venue.positions[MARKET] = (Decimal("0.02"), Decimal("50000"))
    config = write_perpetual_config(tmp_path, usdm_venue.base_url)
    assert main(["reconcile", "--config", str(config)]) == 1
    assert "BTC/USDT:USDT: venue holds 0.02 position" in capsys.readouterr().out
    assert {r.method for r in usdm_venue.requests} == {"GET"}


def test_restart_with_an_open_short_adopts_it_and_closes_it_reduce_only(
    tmp_path: Path, usdm_venue: FakeBinanceUsdm, capsys: pytest.CaptureFixture[str]
) -> None:
    # The venue holds a short the bot opened before its store was lost; the bar crosses
    # up: the weighted planner closes the short with a reduce-only buy of exactly it.
    usdm_venue.positions[MARKET] = (Decimal("-0.01"), Decimal("51000"))
    config = write_perpetual_config(tmp_path, usdm_venue.base_url)
    assert _live(config, "--live", "--adopt-holdings") == 0
    captured = capsys.readouterr()
    assert "adopted  venue position BTC/USDT:USDT -0.01" in captured.err
    (sent,) = usdm_venue.calls(*ORDER)
    assert (sent.params["side"], sent.params["quantity"]) == ("BUY", "0.01")
    assert sent.params["reduceOnly"] == "true"
    assert usdm_venue.positions[MARKET][0] == 0
    assert _summary(captured.out)["position_mismatches"] == 0


def test_reduce_only_close_of_the_bots_own_long(
    tmp_path: Path, usdm_venue: FakeBinanceUsdm, capsys: pytest.CaptureFixture[str]
) -> None:
    rising, falling = rise_then_fall(usdm_venue.now_ms())
    usdm_venue.klines[MARKET] = rising
    config = write_perpetual_config(tmp_path, usdm_venue.base_url)
    assert _live(config, "--live", cycles=1) == 0
    assert usdm_venue.positions[MARKET][0] == Decimal("0.01")
    usdm_venue.klines[MARKET] = falling
    usdm_venue.prices[MARKET] = Decimal("45000")
    assert _live(config, "--live", cycles=1) == 0
    _, closed = usdm_venue.calls(*ORDER)
    assert (closed.params["side"], closed.params["quantity"]) == ("SELL", "0.01")
    assert closed.params["reduceOnly"] == "true"
    assert usdm_venue.positions[MARKET][0] == 0
    capsys.readouterr()


def test_the_kernel_opens_a_short_a_restart_continues_it_and_closes_it_reduce_only(
    tmp_path: Path, usdm_venue: FakeBinanceUsdm, capsys: pytest.CaptureFixture[str]
) -> None:
    falling, rising = fall_then_rise(usdm_venue.now_ms())
    usdm_venue.klines[MARKET] = falling
    usdm_venue.prices[MARKET] = Decimal("49000")
    config = write_perpetual_config(tmp_path, usdm_venue.base_url, allow_short=True)
    assert _live(config, "--live", cycles=1) == 0
    (opened,) = usdm_venue.calls(*ORDER)
    assert (opened.params["side"], opened.params["quantity"]) == ("SELL", "0.01")
    assert "reduceOnly" not in opened.params
    assert usdm_venue.positions[MARKET] == (Decimal("-0.01"), Decimal("49000"))
    capsys.readouterr()
    # A restart: the store's fills explain the short (no --adopt-holdings needed); the
    # next bar crosses up and the planner closes exactly the short, reduce-only.
    usdm_venue.klines[MARKET] = rising
    usdm_venue.prices[MARKET] = Decimal("52000")
    assert _live(config, "--live", cycles=2) == 0
    captured = capsys.readouterr()
    assert "startup reconciliation clean" in captured.err
    assert "adopted  venue position" not in captured.err
    _, closed = usdm_venue.calls(*ORDER)
    assert (closed.params["side"], closed.params["quantity"]) == ("BUY", "0.01")
    assert closed.params["reduceOnly"] == "true"
    assert usdm_venue.positions[MARKET][0] == 0
    summary = _summary(captured.out)
    assert summary["position_mismatches"] == 0
    # Short 0.01 at 49000, bought back at 52000.
    assert Decimal(str(summary["realized_pnl"])) == Decimal(-30)


def test_funding_income_is_recorded_in_the_summary(
    tmp_path: Path, usdm_venue: FakeBinanceUsdm, capsys: pytest.CaptureFixture[str]
) -> None:
    # Settled after the session started (its funding is read from its start on).
    now = usdm_venue.now_ms() + 60_000
    usdm_venue.income += [
        income_entry(MARKET, "-0.25000000", now + 1, 501),
        income_entry(MARKET, "0.10000000", now + 2, 502),
        income_entry("ETHUSDT", "9", now + 3, 503),
    ]
    config = write_perpetual_config(tmp_path, usdm_venue.base_url)
    assert _live(config, "--live", cycles=3) == 0
    captured = capsys.readouterr()
    assert "funding  BTC/USDT:USDT paid 0.25000000" in captured.err
    assert captured.err.count("venue id 501") == 1  # read each pass, recorded once
    summary = _summary(captured.out)
    assert summary["funding_paid"] == "0.25000000"
    assert summary["funding_received"] == "0.10000000"
    assert summary["funding_payments"] == 2


@pytest.mark.parametrize(
    ("edit", "key"),
    [
        (lambda text: text.replace('exchange_id = "binanceusdm"\n', ""), "ccxt.exchange_id"),
        (lambda b: b.replace('leverage = "5"', 'leverage = "5.5"'), "account.leverage"),
    ],
)
def test_a_perpetual_run_on_a_spot_market_or_a_fractional_leverage_is_refused(
    tmp_path: Path,
    usdm_venue: FakeBinanceUsdm,
    capsys: pytest.CaptureFixture[str],
    edit: Callable[[str], str],
    key: str,
) -> None:
    config = write_perpetual_config(tmp_path, usdm_venue.base_url)
    for path in (config, tmp_path / "blueprint.toml"):
        path.write_text(edit(path.read_text()))
    assert _live(config, "--live") == 2
    (line,) = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error:")]
    assert key in line
    assert usdm_venue.requests == []
