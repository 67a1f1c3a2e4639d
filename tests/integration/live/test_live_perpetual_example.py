"""The example live perpetual configuration (`examples/live/live_perpetual_testnet.toml`)
loads, defaults to a dry run on the futures testnet through `binanceusdm`, and its
strategy goes long on the first 1-minute cross against the loopback USD-M venue."""

import json
import shutil
from pathlib import Path

import pytest
from tests.integration.ccxt.fake_binance_usdm import FakeBinanceUsdm
from tests.integration.live.perp_venue import MARKET, usdm_venue
from tests.integration.live.test_live_example_config import _minute_klines

from tradekernel.adapters.ccxt.config import MarketType
from tradekernel.adapters.sqlite.database import connect
from tradekernel.adapters.sqlite.run_reader import SqliteRunReader
from tradekernel.bootstrap.cli import main
from tradekernel.bootstrap.live_job import load_live

__all__ = ["usdm_venue"]

EXAMPLE = Path(__file__).parents[3] / "examples" / "live"


def test_the_perpetual_example_is_a_futures_testnet_dry_run_by_default() -> None:
    settings = load_live(EXAMPLE / "live_perpetual_testnet.toml").settings
    assert settings.mode == "dry-run" and settings.ccxt.sandbox
    assert settings.ccxt.exchange_id == "binanceusdm"
    assert settings.ccxt.market_type is MarketType.SWAP
    assert not settings.adopt_holdings


def test_the_perpetual_example_goes_long_on_the_first_cross_in_a_dry_run(
    tmp_path: Path,
    usdm_venue: FakeBinanceUsdm,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name in ("live_perpetual_testnet.toml", "perp_sma_1m.toml"):
        shutil.copy(EXAMPLE / name, tmp_path / name)
    config = tmp_path / "live_perpetual_testnet.toml"
    text = config.read_text().replace("sandbox = true", f'api_base_url = "{usdm_venue.base_url}"')
    config.write_text(text.replace("cycle_seconds = 10.0", "cycle_seconds = 0.05"))
    monkeypatch.delenv("TRADEKERNEL_API_KEY")  # a dry run needs no keys
    usdm_venue.klines[MARKET] = _minute_klines(usdm_venue.now_ms())
    assert main(["live", "--config", str(config), "--max-cycles", "2"]) == 0
    captured = capsys.readouterr()
    assert "dry run: would set BTC/USDT:USDT margin mode isolated, leverage 5x" in captured.err
    assert usdm_venue.changes() == []
    reader = SqliteRunReader(connect(tmp_path / "perp-testnet-bot-dry.db"))
    (run_id,) = reader.run_ids()
    intents = [i for entry in reader.plans(run_id) for i in json.loads(entry.plan_json)["intents"]]
    (entry,) = intents
    assert (entry["symbol"], entry["side"], entry["quantity"]) == ("BTC/USDT:USDT", "buy", "0.002")
    assert entry["client_order_id"].startswith("tp1") and not entry["skipped"]
    summary = json.loads(captured.out.split("summary  ")[1])
    assert summary["position_checks"] == 2 and summary["position_mismatches"] == 0
