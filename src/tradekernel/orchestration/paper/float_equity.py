"""The paper run's equity curve and peak, in the backtest's own float arithmetic.

`EquityTracker` values each bar as `cash + qty * close` per held symbol (sorted), in
float64. The peak it tracks feeds `PlanningContext.peak_equity`, which drawdown threats
read, so paper computes the very same expression, in the same order, to plan the same.
"""

import numpy as np

from tradekernel.shared.bars import FloatArray, IntArray


class FloatEquity:
    def __init__(self, cash: float) -> None:
        self._cash = cash
        self._quantity: dict[str, float] = {}
        self.peak = cash
        self._ts: list[int] = []
        self._equity: list[float] = []
        self._cash_curve: list[float] = []
        self.exposed_bars = 0

    def set_state(self, cash: float, quantities: dict[str, float]) -> None:
        """Record the account after fills (applies from the current bar on)."""
        self._cash = cash
        self._quantity = {s: q for s, q in quantities.items() if q != 0.0}

    def mark(self, ts_ms: int, closes: dict[str, float | None]) -> float:
        """Value the account at a bar; `closes[s]` is None before the symbol's first bar."""
        value = np.float64(self._cash)
        for symbol in sorted(self._quantity):
            close = closes.get(symbol)
            value += np.float64(self._quantity[symbol]) * np.float64(
                0.0 if close is None else close
            )
        if self._quantity:
            self.exposed_bars += 1
        equity = float(value)
        self.peak = max(self.peak, equity)
        self._ts.append(ts_ms)
        self._equity.append(equity)
        self._cash_curve.append(self._cash)
        return equity

    def ts(self) -> IntArray:
        return np.array(self._ts, dtype=np.int64)

    def curve(self) -> FloatArray:
        return np.array(self._equity, dtype=np.float64)

    def cash_curve(self) -> FloatArray:
        return np.array(self._cash_curve, dtype=np.float64)
