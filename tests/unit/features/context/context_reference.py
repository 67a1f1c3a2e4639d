"""Test helpers: the real-data loader, a bar-series strategy and naive reference indicators.

The reference implementations are deliberately plain Python (lists, textbook formulas,
one bar at a time, recomputing each window from scratch) so they share no code or trick
with the vectorised workers they check.
"""

import csv
import math
from pathlib import Path

import numpy as np
from hypothesis import strategies as st

from tradekernel.shared.bars import BarSeries

DATA = Path(__file__).resolve().parents[3] / "data" / "binance_ETH-BTC_1h.csv"
NAN = math.nan


def load_eth_btc() -> BarSeries:
    """Return the 499 real Binance ETH/BTC 1h bars bundled under tests/data."""
    with DATA.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    return BarSeries(
        symbol="ETH/BTC",
        ts_ms=np.array([int(row["timestamp_ms"]) for row in rows], dtype=np.int64),
        open=np.array([float(row["open"]) for row in rows]),
        high=np.array([float(row["high"]) for row in rows]),
        low=np.array([float(row["low"]) for row in rows]),
        close=np.array([float(row["close"]) for row in rows]),
        volume=np.array([float(row["volume"]) for row in rows]),
    )


def series_from(
    opens: list[float], closes: list[float], spreads: list[float], volumes: list[float]
) -> BarSeries:
    highs = [max(o, c) + s for o, c, s in zip(opens, closes, spreads, strict=True)]
    lows = [max(0.01, min(o, c) - s) for o, c, s in zip(opens, closes, spreads, strict=True)]
    return BarSeries(
        symbol="T/USD",
        ts_ms=np.arange(len(opens), dtype=np.int64) * 60_000,
        open=np.array(opens),
        high=np.array(highs),
        low=np.array(lows),
        close=np.array(closes),
        volume=np.array(volumes),
    )


# Prices on a coarse grid (tenths) make ties common: ties are where pivot and rank rules
# are most easily wrong.
_price = st.integers(min_value=50, max_value=150).map(lambda v: v / 10)
_spread = st.sampled_from([0.0, 0.1, 0.2, 0.5])
_volume = st.integers(min_value=0, max_value=20).map(float)


@st.composite
def bar_series(draw: st.DrawFn, min_size: int = 1, max_size: int = 80) -> BarSeries:
    size = draw(st.integers(min_value=min_size, max_value=max_size))
    opens = draw(st.lists(_price, min_size=size, max_size=size))
    closes = draw(st.lists(_price, min_size=size, max_size=size))
    spreads = draw(st.lists(_spread, min_size=size, max_size=size))
    volumes = draw(st.lists(_volume, min_size=size, max_size=size))
    return series_from(opens, closes, spreads, volumes)


def sma(xs: list[float], n: int) -> list[float]:
    return [sum(xs[i - n + 1 : i + 1]) / n if i >= n - 1 else NAN for i in range(len(xs))]


def ema(xs: list[float], n: int) -> list[float]:
    alpha = 2 / (n + 1)
    out = [NAN] * len(xs)
    if len(xs) >= n:
        out[n - 1] = sum(xs[:n]) / n
        for i in range(n, len(xs)):
            out[i] = alpha * xs[i] + (1 - alpha) * out[i - 1]
    return out


def wilder(xs: list[float], n: int, first: int) -> list[float]:
    """Wilder average: mean of xs[first-n+1..first], then (prev*(n-1) + x) / n."""
    out = [NAN] * len(xs)
    if len(xs) > first:
        out[first] = sum(xs[first - n + 1 : first + 1]) / n
        for i in range(first + 1, len(xs)):
            out[i] = (out[i - 1] * (n - 1) + xs[i]) / n
    return out


def rsi(xs: list[float], n: int) -> list[float]:
    gains = [0.0] + [max(xs[i] - xs[i - 1], 0.0) for i in range(1, len(xs))]
    losses = [0.0] + [max(xs[i - 1] - xs[i], 0.0) for i in range(1, len(xs))]
    avg_gain, avg_loss = wilder(gains, n, n), wilder(losses, n, n)
    out = []
    for g, loss in zip(avg_gain, avg_loss, strict=True):
        if math.isnan(g):
            out.append(NAN)
        elif loss == 0:
            out.append(50.0 if g == 0 else 100.0)
        else:
            out.append(100 - 100 / (1 + g / loss))
    return out


def true_ranges(h: list[float], lo: list[float], c: list[float]) -> list[float]:
    out = [h[0] - lo[0]] if h else []
    for i in range(1, len(h)):
        out.append(max(h[i] - lo[i], abs(h[i] - c[i - 1]), abs(lo[i] - c[i - 1])))
    return out


def atr(h: list[float], lo: list[float], c: list[float], n: int) -> list[float]:
    return wilder(true_ranges(h, lo, c), n, n)


def adx(h: list[float], lo: list[float], c: list[float], n: int) -> dict[str, list[float]]:
    plus_dm, minus_dm = [0.0], [0.0]
    for i in range(1, len(h)):
        up, down = h[i] - h[i - 1], lo[i - 1] - lo[i]
        plus_dm.append(up if up > down and up > 0 else 0.0)
        minus_dm.append(down if down > up and down > 0 else 0.0)
    tr = wilder(true_ranges(h, lo, c), n, n)
    sp, sm = wilder(plus_dm, n, n), wilder(minus_dm, n, n)
    plus_di, minus_di, dx = [], [], []
    for t, p, m in zip(tr, sp, sm, strict=True):
        pdi = NAN if math.isnan(t) else (0.0 if t == 0 else 100 * p / t)
        mdi = NAN if math.isnan(t) else (0.0 if t == 0 else 100 * m / t)
        plus_di.append(pdi)
        minus_di.append(mdi)
        total = pdi + mdi
        if math.isnan(total):
            dx.append(NAN)
        else:
            dx.append(0.0 if total == 0 else 100 * abs(pdi - mdi) / total)
    return {"value": wilder(dx, n, 2 * n - 1), "plus_di": plus_di, "minus_di": minus_di}


def bollinger(xs: list[float], n: int, k: float) -> dict[str, list[float]]:
    mid, upper, lower, width = [], [], [], []
    for i in range(len(xs)):
        if i < n - 1:
            for column in (mid, upper, lower, width):
                column.append(NAN)
            continue
        window = xs[i - n + 1 : i + 1]
        mean = sum(window) / n
        std = math.sqrt(sum((x - mean) ** 2 for x in window) / n)
        mid.append(mean)
        upper.append(mean + k * std)
        lower.append(mean - k * std)
        width.append(2 * k * std / abs(mean))
    return {"mid": mid, "upper": upper, "lower": lower, "width": width}


def volume_percentile(vs: list[float], n: int) -> list[float]:
    out = []
    for i in range(len(vs)):
        if i < n - 1:
            out.append(NAN)
        else:
            out.append(sum(1 for v in vs[i - n + 1 : i] if v <= vs[i]) / (n - 1))
    return out


def donchian(h: list[float], lo: list[float], n: int) -> dict[str, list[float]]:
    high = [max(h[i - n : i]) if i >= n else NAN for i in range(len(h))]
    low = [min(lo[i - n : i]) if i >= n else NAN for i in range(len(lo))]
    return {"high": high, "low": low}


def swing(
    h: list[float], lo: list[float], c: list[float], left: int, right: int
) -> dict[str, list[float]]:
    """Replay bar by bar: at bar i, look for the pivot at j = i - right and update state."""
    state = {"hs": [], "ls": []}
    cols: dict[str, list[float]] = {
        k: [] for k in ("last_high", "last_low", "higher_high", "higher_low", "bos_up", "bos_down")
    }
    for i in range(len(h)):
        j = i - right
        if j - left >= 0:
            if all(h[j] > h[m] for m in range(j - left, j)) and all(
                h[j] >= h[m] for m in range(j + 1, i + 1)
            ):
                state["hs"].append(h[j])
            if all(lo[j] < lo[m] for m in range(j - left, j)) and all(
                lo[j] <= lo[m] for m in range(j + 1, i + 1)
            ):
                state["ls"].append(lo[j])
        for name, pivots, sign in (("high", state["hs"], 1), ("low", state["ls"], -1)):
            last = pivots[-1] if pivots else NAN
            cols[f"last_{name}"].append(last)
            cols[f"higher_{name}"].append(
                (1.0 if pivots[-1] > pivots[-2] else 0.0) if len(pivots) >= 2 else NAN
            )
            bos = "bos_up" if sign == 1 else "bos_down"
            if not pivots:
                cols[bos].append(NAN)
            elif i >= 1 and sign * c[i] > sign * last and sign * c[i - 1] <= sign * last:
                cols[bos].append(1.0)
            else:
                cols[bos].append(0.0)
    return cols


def assert_close(actual: np.ndarray, expected: list[float], what: str) -> None:
    """Assert equal NaN positions and values within 1e-9 relative / 1e-12 absolute."""
    wanted = np.array(expected, dtype=np.float64)
    assert actual.shape == wanted.shape, what
    assert np.array_equal(np.isnan(actual), np.isnan(wanted)), f"{what}: NaN positions differ"
    np.testing.assert_allclose(actual, wanted, rtol=1e-9, atol=1e-12, err_msg=what)
