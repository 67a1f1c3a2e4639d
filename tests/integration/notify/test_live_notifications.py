"""A `--live` session against the loopback Binance notifies a loopback `json://` webhook.

`tradekernel live --live` trades through ccxt's real Binance class against the fake venue
(fake keys in the environment) with `TRADEKERNEL_NOTIFY_URLS` naming the receiver. Once the
entry has filled, an operator halts the bot through the control store (as `tradekernel
control halt` or the dashboard would), with a reason that carries the venue key; the fill
and the halt must reach the receiver, and neither key nor secret nor the receiver's URL.
"""

from pathlib import Path
from typing import Any

import pytest
from tests.integration.ccxt.conftest import API_KEY, API_SECRET
from tests.integration.ccxt.fake_binance import Fault
from tests.integration.live.live_venue import LiveFakeBinance, crossing_klines, write_config
from tests.integration.notify.test_paper_notifications import receiver

from tradekernel.bootstrap.cli import main
from tradekernel.bootstrap.notifications import NOTIFY_URLS_ENV
from tradekernel.bootstrap.operator_console import StoreConsole
from tradekernel.domain.enums import TradingState

__all__ = ["receiver"]

BOT = "itest"
CYCLES = 12


class _VenueWhereTheOperatorHalts(LiveFakeBinance):
    """The venue; on the first market-data request after a fill, the operator halts.

    The halt is written while the bot waits for that answer, so the bot's next control
    refresh reads it: no race with the loop, however slow the machine.
    """

    db: Path
    halted = False

    def route(self, method: str, path: str, params: dict[str, str], fault: Fault | None) -> Any:
        if not self.halted and self.trades and path == "/api/v3/klines":
            self.halted = True
            StoreConsole(self.db).set_state(
                BOT,
                TradingState.HALTED,
                reason=f"operator: venue key {API_KEY} may have leaked",
                source="cli",
            )
        return super().route(method, path, params, fault)


def test_a_live_session_notifies_the_fill_and_the_halt_without_secrets(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    receiver: tuple[int, list[dict[str, str]]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    port, received = receiver
    venue = _VenueWhereTheOperatorHalts(api_key=API_KEY, secret=API_SECRET).start()
    try:
        venue.klines["BTCUSDT"] = crossing_klines(venue.now_ms())
        config = write_config(tmp_path, venue.base_url)
        venue.db = tmp_path / "bot.db"
        monkeypatch.setenv("TRADEKERNEL_API_KEY", API_KEY)
        monkeypatch.setenv("TRADEKERNEL_API_SECRET", API_SECRET)
        monkeypatch.setenv(NOTIFY_URLS_ENV, f"json://127.0.0.1:{port}/")
        argv = ["live", "--config", str(config), "--live", "--max-cycles", str(CYCLES)]
        assert main(argv) == 0
    finally:
        venue.stop()
    assert "LIVE: real orders" in capsys.readouterr().out
    assert venue.trades and venue.halted, "the entry must fill and the halt be written"
    text = "\n".join(f"{m['title']}\n{m['message']}" for m in received)
    assert received, "no message reached the webhook"
    assert "[fill]" in text
    assert "filled: buy BTC/USDT" in text
    assert "[halt]" in text
    assert "trading state halted" in text
    assert API_KEY not in text
    assert API_SECRET not in text
    assert f"127.0.0.1:{port}" not in text
