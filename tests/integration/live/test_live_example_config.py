"""The example live configuration (`examples/live/`) loads, defaults to a dry run on the
testnet, and its strategy enters on the first 1-minute cross against the loopback venue."""

import json
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from tests.integration.live.live_venue import LiveFakeBinance

from tradekernel.adapters.sqlite.database import connect
from tradekernel.adapters.sqlite.run_reader import SqliteRunReader
from tradekernel.bootstrap.cli import main
from tradekernel.bootstrap.live_job import load_live

EXAMPLE = Path(__file__).parents[3] / "examples" / "live"
MINUTE_MS = 60_000


def _minute_klines(now_ms: int, bars: int = 30) -> list[list[Any]]:
    """Flat closes, then a jump on the last closed minute: SMA(3) crosses over SMA(8)."""
    current = now_ms // MINUTE_MS * MINUTE_MS
    rows = []
    for i in range(bars, 0, -1):
        open_ms = current - i * MINUTE_MS
        close = "51000" if i == 1 else "50000"
        rows.append([open_ms, close, close, close, close, "10", open_ms + MINUTE_MS - 1, "0"])
    return rows


def test_the_example_is_a_testnet_dry_run_by_default() -> None:
    settings = load_live(EXAMPLE / "live_testnet.toml").settings
    assert settings.mode == "dry-run" and settings.ccxt.sandbox
    assert settings.on_stop == "cancel" and settings.client_id_prefix == "tn1"


def test_the_example_strategy_enters_on_the_first_minute_cross(
    tmp_path: Path,
    live_venue: LiveFakeBinance,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name in ("live_testnet.toml", "fast_sma_1m.toml"):
        shutil.copy(EXAMPLE / name, tmp_path / name)
    config = tmp_path / "live_testnet.toml"
    text = config.read_text().replace("sandbox = true", f'api_base_url = "{live_venue.base_url}"')
    config.write_text(text.replace("cycle_seconds = 10.0", "cycle_seconds = 0.05"))
    monkeypatch.delenv("TRADEKERNEL_API_KEY")  # a dry run needs no keys
    live_venue.klines["BTCUSDT"] = _minute_klines(live_venue.now_ms())
    assert main(["live", "--config", str(config), "--max-cycles", "2"]) == 0
    assert "dry run: paper fills" in capsys.readouterr().out
    reader = SqliteRunReader(connect(tmp_path / "testnet-bot-dry.db"))
    (run_id,) = reader.run_ids()
    intents = [i for entry in reader.plans(run_id) for i in json.loads(entry.plan_json)["intents"]]
    (entry,) = intents
    assert entry["side"] == "buy" and entry["order_type"] == "limit"
    assert entry["client_order_id"].startswith("tn1") and Decimal(entry["quantity"]) == Decimal(
        "0.001"
    )
