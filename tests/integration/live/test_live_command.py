"""`tradekernel live` and `tradekernel reconcile` run end to end against the loopback
Binance venue through ccxt's real Binance class, on real SQLite files."""

from decimal import Decimal
from pathlib import Path

import pytest
from tests.integration.live.live_venue import (
    LiveFakeBinance,
    crossing_klines,
    plan_intents,
    write_config,
)

from tradekernel.adapters.sqlite.database import connect
from tradekernel.adapters.sqlite.order_event_store import SqliteOrderEventStore
from tradekernel.adapters.sqlite.run_reader import SqliteRunReader
from tradekernel.bootstrap.cli import main
from tradekernel.domain.enums import OrderStatus

POST_ORDER = ("POST", "/api/v3/order")


def _run(*argv: str) -> int:
    return main(list(argv))


def _plans(db: Path) -> list[str]:
    reader = SqliteRunReader(connect(db))
    return [entry.plan_json for run in reader.run_ids() for entry in reader.plans(run)]


def test_dry_run_plans_on_the_venues_closed_bars_records_the_plan_and_sends_nothing(
    tmp_path: Path, live_venue: LiveFakeBinance, capsys: pytest.CaptureFixture[str]
) -> None:
    live_venue.klines["BTCUSDT"] = crossing_klines(live_venue.now_ms(), forming=True)
    config = write_config(tmp_path, live_venue.base_url)
    assert _run("live", "--config", str(config), "--max-cycles", "2") == 0
    assert "dry run: paper fills" in capsys.readouterr().out
    assert live_venue.calls(*POST_ORDER) == []
    assert live_venue.calls("DELETE", "/api/v3/order") == []
    # Only public data and market loading: no account, orders or trades of the real venue.
    assert {r.path for r in live_venue.requests} == {"/api/v3/exchangeInfo", "/api/v3/klines"}
    assert not (tmp_path / "bot.db").exists()  # the live store is never touched
    plans = _plans(tmp_path / "bot-dry.db")
    assert len(plans) == 1  # one closed bar, planned once over two cycles
    (intent,) = plan_intents(plans[0])
    assert intent["symbol"] == "BTC/USDT" and intent["side"] == "buy"
    assert Decimal(intent["quantity"]) == Decimal("0.01")
    # The cross is on the last CLOSED bar (close 51000), not the forming one (40000).
    assert Decimal(intent["reference_price"]) == Decimal("51000")
    events = SqliteOrderEventStore(connect(tmp_path / "bot-dry.db")).all_events()
    assert [e.client_order_id for e in events if e.kind is OrderStatus.CREATED] == [
        intent["client_order_id"]
    ]


def test_live_flag_trades_through_ccxt_and_reconcile_then_reports_clean(
    tmp_path: Path, live_venue: LiveFakeBinance, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, live_venue.base_url)
    assert _run("live", "--config", str(config), "--live", "--max-cycles", "2") == 0
    assert "LIVE: real orders" in capsys.readouterr().out
    posts = live_venue.calls(*POST_ORDER)
    assert len(posts) == 1
    coid = posts[0].params["newClientOrderId"]
    assert posts[0].params["type"] == "MARKET" and posts[0].params["quantity"] == "0.01"
    assert live_venue.orders[coid].status == "FILLED"
    events = SqliteOrderEventStore(connect(tmp_path / "bot.db")).events_for(coid)
    assert events[-1].kind is OrderStatus.FILLED
    assert [e.trade_id for e in events if e.trade_id] == [str(live_venue.trades[0]["id"])]
    requests = len(live_venue.requests)
    assert _run("reconcile", "--config", str(config)) == 0
    assert "clean" in capsys.readouterr().out
    assert live_venue.calls(*POST_ORDER) == posts  # reconcile sends no order
    assert all(r.method == "GET" for r in live_venue.requests[requests:])
    assert len(SqliteRunReader(connect(tmp_path / "bot.db")).run_ids()) == 1  # nothing written


def test_mode_live_in_the_config_trades_without_the_flag(
    tmp_path: Path, live_venue: LiveFakeBinance
) -> None:
    config = write_config(tmp_path, live_venue.base_url, mode="live")
    assert _run("live", "--config", str(config), "--max-cycles", "1") == 0
    assert len(live_venue.calls(*POST_ORDER)) == 1


def test_reconcile_reports_an_orphan_with_its_client_id_and_exits_1(
    tmp_path: Path, live_venue: LiveFakeBinance, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, live_venue.base_url)
    orphan = "tk" + "d4" * 15
    live_venue._new_order(
        {
            "symbol": "BTCUSDT",
            "side": "BUY",
            "type": "LIMIT",
            "quantity": "0.01",
            "price": "40000",
            "newClientOrderId": orphan,
        }
    )
    assert _run("reconcile", "--config", str(config)) == 1
    out = capsys.readouterr().out
    assert f"{orphan} BTC/USDT buy 0.01 @ 40000" in out and "--orphans adopt" in out
    assert live_venue.calls("DELETE", "/api/v3/order") == []
    assert live_venue.orders[orphan].status == "NEW"
