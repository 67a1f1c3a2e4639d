"""Two bots with their own client-id prefixes on one account (one loopback venue): each
bot's reconciliation and startup guard take only orders with its own prefix as its own."""

from pathlib import Path

import pytest
from tests.integration.live.live_venue import LiveFakeBinance, blueprint, write_config
from tests.integration.live.runner_wiring import event_kinds
from tests.integration.live.test_live_startup_orphans import _place_orphan

from tradekernel.bootstrap.cli import main
from tradekernel.domain.enums import OrderStatus

B_ORPHAN = "b1" + "c7" * 15


def _config(directory: Path, venue: LiveFakeBinance, prefix: str) -> Path:
    # A patient limit entry under the price: it rests at the venue, never filled here.
    return write_config(
        directory,
        venue.base_url,
        extra=f'client_id_prefix = "{prefix}"',
        strategy=blueprint(limit=True, timeout_ms=3_600_000),
    )


def _live(config: Path, *extra: str) -> int:
    return main(["live", "--config", str(config), "--live", "--max-cycles", "1", *extra])


def test_each_bot_adopts_or_refuses_only_the_orders_with_its_own_prefix(
    tmp_path: Path, live_venue: LiveFakeBinance, capsys: pytest.CaptureFixture[str]
) -> None:
    bot_a = _config(tmp_path / "a", live_venue, "a1")
    bot_b = _config(tmp_path / "b", live_venue, "b1")
    assert _live(bot_a) == 0
    (a_order,) = live_venue.orders
    assert a_order.startswith("a1")
    # An order with b's prefix that b's store does not know (placed by hand, say).
    _place_orphan(live_venue, B_ORPHAN)
    capsys.readouterr()
    assert _live(bot_b) == 1  # refused for its own orphan only
    err = capsys.readouterr().err
    assert B_ORPHAN in err and a_order not in err
    assert _live(bot_b, "--orphans", "adopt") == 0
    assert OrderStatus.ACCEPTED in event_kinds(tmp_path / "b" / "bot.db", B_ORPHAN)
    assert event_kinds(tmp_path / "b" / "bot.db", a_order) == []
    assert sorted(live_venue.orders) == sorted([a_order, B_ORPHAN])
    # a restarts clean: neither b's adopted order nor b's entry is its orphan.
    capsys.readouterr()
    assert _live(bot_a) == 0
    assert "startup reconciliation clean" in capsys.readouterr().err
    assert event_kinds(tmp_path / "a" / "bot.db", B_ORPHAN) == []
    assert all(live_venue.orders[coid].status == "NEW" for coid in live_venue.orders)


def test_a_prefix_the_ids_cannot_carry_is_refused_naming_the_key(
    tmp_path: Path, live_venue: LiveFakeBinance, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path, live_venue, "Bot-A")
    assert _live(config) == 2
    err = capsys.readouterr().err
    assert "client_id_prefix" in err and "lowercase letters and digits" in err
    assert live_venue.requests == []
