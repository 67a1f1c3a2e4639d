"""An orphan order on the venue at startup, through `tradekernel live --live`: the guard
refuses with the exact message, `--orphans adopt` manages it, `--orphans cancel` cancels it."""

from pathlib import Path

import pytest
from tests.integration.live.live_venue import LiveFakeBinance, write_config
from tests.integration.live.runner_wiring import POST_ORDER, event_kinds

from tradekernel.adapters.sqlite.database import connect
from tradekernel.adapters.sqlite.run_reader import SqliteRunReader
from tradekernel.bootstrap.cli import main
from tradekernel.domain.enums import OrderStatus

ORPHAN = "tk" + "e5" * 15


def _place_orphan(venue: LiveFakeBinance, coid: str = ORPHAN) -> int:
    answer = venue._new_order(
        {
            "symbol": "BTCUSDT",
            "side": "BUY",
            "type": "LIMIT",
            "quantity": "0.01",
            "price": "40000",
            "timeInForce": "GTC",
            "newClientOrderId": coid,
        }
    )
    return int(answer["orderId"])


def test_orphan_at_startup_is_refused_with_the_exact_message_and_nothing_is_sent(
    tmp_path: Path, live_venue: LiveFakeBinance, capsys: pytest.CaptureFixture[str]
) -> None:
    venue_id = _place_orphan(live_venue)
    config = write_config(tmp_path, live_venue.base_url)
    assert main(["live", "--config", str(config), "--live", "--max-cycles", "1"]) == 1
    expected = (
        "error: live trading refused: the venue does not match the store\n"
        "1 open order(s) on the venue carry our prefix but are\n"
        "not in the store (orphans):\n"
        f"  - {ORPHAN} BTC/USDT buy 0.01 @ 40000 (accepted, filled 0) venue id {venue_id}\n"
        "what to do: restart with --orphans adopt (manage them as this bot's orders) or "
        "--orphans cancel (cancel them on the venue), or cancel them on the venue yourself\n"
    )
    assert expected in capsys.readouterr().err
    assert live_venue.calls(*POST_ORDER) == []
    assert live_venue.calls("DELETE", "/api/v3/order") == []
    assert event_kinds(tmp_path / "bot.db", ORPHAN) == []


def test_orphan_adopt_policy_manages_it_and_trading_starts(
    tmp_path: Path, live_venue: LiveFakeBinance
) -> None:
    _place_orphan(live_venue)
    config = write_config(tmp_path, live_venue.base_url)
    argv = ["live", "--config", str(config), "--live", "--max-cycles", "1", "--orphans", "adopt"]
    assert main(argv) == 0
    assert live_venue.calls("DELETE", "/api/v3/order") == []
    assert live_venue.orders[ORPHAN].status == "NEW"
    kinds = event_kinds(tmp_path / "bot.db", ORPHAN)
    assert kinds == [OrderStatus.CREATED, OrderStatus.SUBMITTED, OrderStatus.ACCEPTED]
    assert live_venue.calls(*POST_ORDER) == []  # adoption sends nothing
    # Trading started: the cycle planned, and the planner saw the adopted order as working
    # on the symbol (so it did not stack a second entry on it).
    reader = SqliteRunReader(connect(tmp_path / "bot.db"))
    (entry,) = reader.plans(reader.latest_run_id())
    assert ORPHAN in entry.context_json


def test_orphan_cancel_policy_cancels_it_by_client_id_before_trading(
    tmp_path: Path, live_venue: LiveFakeBinance
) -> None:
    _place_orphan(live_venue)
    config = write_config(tmp_path, live_venue.base_url)
    argv = ["live", "--config", str(config), "--live", "--max-cycles", "1", "--orphans", "cancel"]
    assert main(argv) == 0
    cancels = live_venue.calls("DELETE", "/api/v3/order")
    assert [c.params["origClientOrderId"] for c in cancels] == [ORPHAN]
    assert live_venue.orders[ORPHAN].status == "CANCELED"
    assert event_kinds(tmp_path / "bot.db", ORPHAN)[-1] is OrderStatus.CANCELLED
    first_post = live_venue.requests.index(live_venue.calls(*POST_ORDER)[0])
    assert live_venue.requests.index(cancels[0]) < first_post  # cancelled before trading
