"""tradekernel: one deterministic planning kernel for backtest, paper and live trading.

The Python API (docs/python-api.md):

    import tradekernel as tk
    result = tk.backtest("my.toml", data="bars.csv", start="2024-01-01")
    result.trades, result.equity, result.stats, result.plan_hash

and the strategy kit for plugins written in one file (`tk.indicator`, `tk.opportunity`,
`tk.param`, `tk.column`, `tk.previous`; docs/strategy-pipeline.md). The names load on
first use (module `__getattr__`), so `import tradekernel` and the CLI's start stay cheap.
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tradekernel.bootstrap.api.functions import backtest as backtest
    from tradekernel.bootstrap.api.functions import explain as explain
    from tradekernel.bootstrap.api.functions import load_bars_frame as load_bars
    from tradekernel.bootstrap.api.functions import load_checked_blueprint as load_blueprint
    from tradekernel.bootstrap.api.functions import plan as plan
    from tradekernel.bootstrap.api.result import BacktestResult as BacktestResult
    from tradekernel.bootstrap.sweeps.api import optimize as optimize
    from tradekernel.domain.errors import ConfigError as ConfigError
    from tradekernel.domain.errors import DataError as DataError
    from tradekernel.domain.errors import TradekernelError as TradekernelError
    from tradekernel.shared.strategy_kit import column_param as column
    from tradekernel.shared.strategy_kit import indicator as indicator
    from tradekernel.shared.strategy_kit import opportunity_rule as opportunity
    from tradekernel.shared.strategy_kit import param as param
    from tradekernel.shared.strategy_kit import previous_bar as previous

_API = "tradekernel.bootstrap.api.functions"
_KIT = "tradekernel.shared.strategy_kit"
_ERRORS = "tradekernel.domain.errors"
# Each public name: (module, the name it has there).
_LAZY = {
    "backtest": (_API, "backtest"),
    "plan": (_API, "plan"),
    "explain": (_API, "explain"),
    "load_bars": (_API, "load_bars_frame"),
    "load_blueprint": (_API, "load_checked_blueprint"),
    "optimize": ("tradekernel.bootstrap.sweeps.api", "optimize"),
    "BacktestResult": ("tradekernel.bootstrap.api.result", "BacktestResult"),
    "ConfigError": (_ERRORS, "ConfigError"),
    "DataError": (_ERRORS, "DataError"),
    "TradekernelError": (_ERRORS, "TradekernelError"),
    "indicator": (_KIT, "indicator"),
    "opportunity": (_KIT, "opportunity_rule"),
    "param": (_KIT, "param"),
    "column": (_KIT, "column_param"),
    "previous": (_KIT, "previous_bar"),
}

__all__ = [
    "BacktestResult",
    "ConfigError",
    "DataError",
    "TradekernelError",
    "backtest",
    "column",
    "explain",
    "indicator",
    "load_bars",
    "load_blueprint",
    "opportunity",
    "optimize",
    "param",
    "plan",
    "previous",
]


def __getattr__(name: str) -> Any:
    where = _LAZY.get(name)
    if where is None:
        raise AttributeError(f"module 'tradekernel' has no attribute {name!r}")
    module, defined_as = where
    value = getattr(importlib.import_module(module), defined_as)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])
