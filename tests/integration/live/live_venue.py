"""The loopback venue for runner-level tests: the ccxt suite's fake Binance plus a ticker
endpoint, hourly klines whose last closed bar crosses SMA(10) above SMA(30), and the
config files (`live.toml` + blueprint) the `live` and `reconcile` commands read."""

import json
from pathlib import Path
from typing import Any

from tests.integration.ccxt.fake_binance import FakeBinance, Fault

HOUR_MS = 3_600_000
SYMBOL = "BTC/USDT"

BLUEPRINT = """
[blueprint]
name = "live_sma"
description = "SMA(10)/SMA(30) cross on BTC/USDT, 0.01 BTC market orders"
timeframe = "1h"

[universe]
symbols = ["BTC/USDT"]

[account]
quote_asset = "USDT"
starting_cash = "100000"

[fees]
maker = "0.001"
taker = "0.001"
slippage_bps = "0"

[[context.workers]]
type = "sma"
key = "sma_fast"
period = 10

[[context.workers]]
type = "sma"
key = "sma_slow"
period = 30

[[signals.opportunities]]
type = "ma_crossover"
fast = "sma_fast"
slow = "sma_slow"

[[strategy.planners]]
type = "weighted"
use_context = false
w_threat = "0"
w_weak = "0"
entry_threshold = "0"
exit_confidence = "0"
order_type = "{order_type}"
quantity = "0.01"

[[planners.entry]]
type = "{entry}"

[[planners.size]]
type = "fixed_quantity"
quantity = "0.01"

[[planners.exit]]
type = "none"

[[planners.routing]]
type = "immediate"

[allocation]
type = "budget"
{execution}
"""

# A resting limit buy 10 bps under the close (51000 -> 50949), ended after `timeout` ms.
LIMIT_EXECUTION = """
[execution]
entry_timeout_ms = {timeout}
rollback = "{rollback}"
"""


def blueprint(*, limit: bool = False, timeout_ms: int = 0, rollback: str = "keep") -> str:
    """Return the test blueprint: market entries, or patient limit entries with a policy."""
    if not limit:
        return BLUEPRINT.format(order_type="market", entry="market", execution="")
    execution = LIMIT_EXECUTION.format(timeout=timeout_ms, rollback=rollback)
    return BLUEPRINT.format(order_type="limit", entry="patient_limit", execution=execution)


class LiveFakeBinance(FakeBinance):
    """The fake venue with `GET /api/v3/ticker/24hr` (the last kline's close)."""

    def route(self, method: str, path: str, params: dict[str, str], fault: Fault | None) -> Any:
        if path == "/api/v3/ticker/24hr":
            market = params["symbol"]
            rows = self.klines.get(market, [])
            last = rows[-1][4] if rows else f"{self.prices[market]:f}"
            return {
                "symbol": market,
                "lastPrice": last,
                "bidPrice": last,
                "askPrice": last,
                "closeTime": self.now_ms(),
                "openTime": self.now_ms() - 86_400_000,
            }
        return super().route(method, path, params, fault)


def kline(open_ms: int, close: str) -> list[Any]:
    return [open_ms, close, close, close, close, "10", open_ms + HOUR_MS - 1, "0", 1, "0", "0", "0"]


def crossing_klines(now_ms: int, bars: int = 60, *, forming: bool = False) -> list[list[Any]]:
    """Flat closes, then a jump on the last closed bar (a cross up exactly there); with
    `forming`, also the bar still forming, at a price that would undo the cross if the
    runner planned on it. (Without it, an hour turning mid-test adds no closed bar.)"""
    current = now_ms // HOUR_MS * HOUR_MS
    first = current - bars * HOUR_MS
    rows = [kline(first + i * HOUR_MS, "50000") for i in range(bars - 1)]
    rows.append(kline(current - HOUR_MS, "51000"))
    if forming:
        rows.append(kline(current, "40000"))
    return rows


def write_config(
    directory: Path,
    base_url: str,
    *,
    mode: str = "dry-run",
    timeout_ms: int = 2_000,
    extra: str = "",
    retry: str = "",
    strategy: str | None = None,
) -> Path:
    """Write the blueprint and `live.toml` (db next to it) and return the config's path."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "blueprint.toml").write_text(strategy or blueprint())
    text = f"""
blueprint = "blueprint.toml"
mode = "{mode}"
db = "bot.db"
bot_id = "itest"
cycle_seconds = 0.05
reconcile_seconds = 0.0
window = 40
{extra}
[ccxt]
api_base_url = "{base_url}"
timeout_ms = {timeout_ms}
enable_rate_limit = false

[ccxt.retry]
base_delay_s = 0.05
max_delay_s = 0.2
rate_limit_min_s = 0.1
lookup_window_s = 1.0
lookup_interval_s = 0.2
{retry}
"""
    path = directory / "live.toml"
    path.write_text(text)
    return path


def plan_intents(plan_json: str) -> list[dict[str, Any]]:
    """Return the intents of a recorded plan (the canonical JSON's `intents`)."""
    data = json.loads(plan_json)
    intents: list[dict[str, Any]] = data["intents"]
    return intents
