"""The files `tradekernel new strategy NAME` writes: a plugin module and its blueprint.

The module uses the strategy kit (`tk.indicator`, `tk.opportunity`), so the user's code is
the maths; the blueprint names the module as a file (`plugins = ["NAME.py"]`), so it runs
from anywhere, no `PYTHONPATH`. `tests/unit/bootstrap/test_cli_new_strategy.py` runs both.
"""

STRATEGY_PY = '''"""{name}: a strategy in one file (written by `tradekernel new strategy {name}`).

A custom indicator (the rate of change of the close) and an opportunity signal (buy when it
turns positive, sell when it turns negative). Edit the maths; `tk.indicator` and
`tk.opportunity` supply the plugin around it (spec, parameter checks, signal ids, the
candidate mask of the sparse backtest). {name}.toml wires them into a blueprint.
"""

import numpy as np

import tradekernel as tk


@tk.indicator(period=tk.param(24, min=1), warmup="period")
def rate_of_change(bars, period):
    """Rate of change of the close over `period` bars (NaN until `period` bars exist)."""
    values = np.full(len(bars), np.nan)
    # Causal: the value at bar i reads bars i - period and i only.
    values[period:] = bars.close[period:] / bars.close[:-period] - 1.0
    return values


@tk.opportunity(roc=tk.column("rate_of_change"), confidence=0.6)
def zero_cross(roc):
    """Buy when the rate of change turns positive, sell when it turns negative."""
    before = tk.previous(roc)
    buy = (before <= 0.0) & (roc > 0.0)
    sell = (before >= 0.0) & (roc < 0.0)
    return np.where(buy, 1.0, np.where(sell, -1.0, 0.0))


SPECS = (rate_of_change, zero_cross)
'''

STRATEGY_TOML = """# {name}: the blueprint of {name}.py (by `tradekernel new strategy {name}`).
#
# Buy 0.01 BTC at market when the 24-bar rate of change turns positive; sell the position
# when it turns negative. Try it on the bundled hourly BTC/USD bars:
#
#   tradekernel backtest --config {name}.toml --data {data}
#   tradekernel check-lookahead --config {name}.toml --data {data}
#   tradekernel backtest --config {name}.toml --data {data} --verify-sparse

plugins = ["{name}.py"]  # relative to this file

[blueprint]
name = "{name}"
description = "Rate-of-change zero cross, 0.01 BTC per trade"
timeframe = "1h"

[universe]
symbols = ["BTC/USD"]

[account]
quote_asset = "USD"
starting_cash = "100000"

[[symbols]]
symbol = "BTC/USD"
tick_size = "0.01"
step_size = "0.00000001"
min_notional = "1"

[[context.workers]]
type = "rate_of_change"
period = 24

[[signals.opportunities]]
type = "zero_cross"
roc = "rate_of_change"
confidence = 0.6

[[strategy.planners]]
type = "weighted"
use_context = false
w_threat = "0"
w_weak = "0"
entry_threshold = "0.5"
exit_confidence = "0.5"
order_type = "market"
quantity = "0.01"

[[planners.size]]
type = "fixed_quantity"
quantity = "0.01"
"""
