"""The loopback USDⓈ-M venue for runner-level perpetual tests: the fake venue with hourly
klines crossing SMA(10) above SMA(30) (or below), a perpetual blueprint on
`BTC/USDT:USDT` and the `live.toml` that points ccxt's `binanceusdm` at the venue."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.integration.ccxt.conftest import API_KEY, API_SECRET, serving
from tests.integration.ccxt.fake_binance_usdm import FakeBinanceUsdm
from tests.integration.live.live_venue import BLUEPRINT, crossing_klines, kline, write_config

SYMBOL = "BTC/USDT:USDT"
MARKET = "BTCUSDT"
HOUR_MS = 3_600_000

PERPETUAL_ACCOUNT = """[account]
quote_asset = "USDT"
starting_cash = "100000"
market_type = "linear_perpetual"
leverage = "5"
margin_mode = "isolated"
position_mode = "one_way"
maintenance_margin_rate = "0.01"
"""

SPOT_ACCOUNT = """[account]
quote_asset = "USDT"
starting_cash = "100000"
"""


def perpetual_blueprint(*, allow_short: bool = False) -> str:
    """Return the live test blueprint on a one-way, isolated, 5x perpetual account; with
    `allow_short`, a cross down opens a short."""
    text = BLUEPRINT.format(order_type="market", entry="market", execution="")
    if allow_short:
        text = text.replace('quantity = "0.01"\n', 'quantity = "0.01"\nallow_short = true\n', 1)
    text = text.replace('symbols = ["BTC/USDT"]', f'symbols = ["{SYMBOL}"]')
    return text.replace(SPOT_ACCOUNT, PERPETUAL_ACCOUNT)


def rise_then_fall(now_ms: int) -> tuple[list[list[Any]], list[list[Any]]]:
    """Return two kline sets: the first ends on a bar crossing up (an hour ago's bar), the
    second adds the last closed bar, falling so far that SMA(10) crosses below SMA(30)."""
    rising = crossing_klines(now_ms - HOUR_MS)
    falling = [*rising, kline(now_ms // HOUR_MS * HOUR_MS - HOUR_MS, "45000")]
    return rising, falling


def fall_then_rise(now_ms: int) -> tuple[list[list[Any]], list[list[Any]]]:
    """Return two kline sets: the first ends on a bar crossing down (an hour ago's bar),
    the second adds the last closed bar, rising so that SMA(10) crosses above SMA(30)."""
    falling = crossing_klines(now_ms - HOUR_MS)
    falling[-1] = kline(int(falling[-1][0]), "49000")
    return falling, [*falling, kline(now_ms // HOUR_MS * HOUR_MS - HOUR_MS, "52000")]


def write_perpetual_config(
    directory: Path, base_url: str, *, allow_short: bool = False, **config: object
) -> Path:
    """Write the perpetual blueprint and a `binanceusdm` swap `live.toml`."""
    strategy = perpetual_blueprint(allow_short=allow_short)
    path = write_config(directory, base_url, strategy=strategy, **config)  # type: ignore[arg-type]
    text = path.read_text().replace(
        "[ccxt]\n", '[ccxt]\nexchange_id = "binanceusdm"\nmarket_type = "swap"\n'
    )
    path.write_text(text)
    return path


@pytest.fixture
def usdm_venue(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeBinanceUsdm]:
    """A started USD-M venue whose last closed 1h bar crosses up, bounded in time; keys in
    the environment."""
    monkeypatch.setenv("TRADEKERNEL_API_KEY", API_KEY)
    monkeypatch.setenv("TRADEKERNEL_API_SECRET", API_SECRET)
    with serving(FakeBinanceUsdm(api_key=API_KEY, secret=API_SECRET)) as server:
        server.klines[MARKET] = crossing_klines(server.now_ms())
        yield server
