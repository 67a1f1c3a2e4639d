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
    from tradekernel.bootstrap.api.functions import load_bars as load_bars
    from tradekernel.bootstrap.api.functions import load_blueprint as load_blueprint
    from tradekernel.bootstrap.api.functions import plan as plan
    from tradekernel.bootstrap.api.result import BacktestResult as BacktestResult
    from tradekernel.shared.strategy_kit import column as column
    from tradekernel.shared.strategy_kit import indicator as indicator
    from tradekernel.shared.strategy_kit import opportunity as opportunity
    from tradekernel.shared.strategy_kit import param as param
    from tradekernel.shared.strategy_kit import previous as previous

_API = "tradekernel.bootstrap.api.functions"
_KIT = "tradekernel.shared.strategy_kit"
_LAZY = {
    "backtest": _API,
    "plan": _API,
    "explain": _API,
    "load_bars": _API,
    "load_blueprint": _API,
    "BacktestResult": "tradekernel.bootstrap.api.result",
    "indicator": _KIT,
    "opportunity": _KIT,
    "param": _KIT,
    "column": _KIT,
    "previous": _KIT,
}

__all__ = [
    "BacktestResult",
    "backtest",
    "column",
    "explain",
    "indicator",
    "load_bars",
    "load_blueprint",
    "opportunity",
    "param",
    "plan",
    "previous",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'tradekernel' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])
