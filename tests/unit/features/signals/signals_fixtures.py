"""Test helpers: snapshots built the way the kernel builds them, and random feature frames."""

import math
from decimal import Decimal

import numpy as np
from hypothesis import strategies as st

from tradekernel.domain.signals import ContextAssessment, FeatureSnapshot
from tradekernel.domain.stage_inputs import AccountView
from tradekernel.shared.bars import BarSeries, FloatArray

SYMBOL = "ETH/BTC"
ASSESSMENT = ContextAssessment(
    assessment_id="ctx-test", symbol=SYMBOL, ts_ms=0, strength=Decimal(0), weakness=Decimal(0)
)
ACCOUNT = AccountView(
    quote_asset="BTC", cash=Decimal(100), equity=Decimal(100), peak_equity=Decimal(100)
)


def snap(
    current: dict[str, float], previous: dict[str, float] | None = None, close: float = 100.0
) -> FeatureSnapshot:
    return FeatureSnapshot(
        symbol=SYMBOL, ts_ms=3_600_000, close=close, current=current, previous=previous or {}
    )


def snapshot_at(bars: BarSeries, features: dict[str, FloatArray], i: int) -> FeatureSnapshot:
    """Build the snapshot of bar i as the kernel does: defined (non-NaN) values only."""

    def defined(j: int) -> dict[str, float]:
        if j < 0:
            return {}
        return {name: float(col[j]) for name, col in features.items() if not math.isnan(col[j])}

    return FeatureSnapshot(
        symbol=bars.symbol,
        ts_ms=int(bars.ts_ms[i]),
        close=float(bars.close[i]),
        current=defined(i),
        previous=defined(i - 1),
    )


# A coarse grid gives many exact ties and zero gaps, where strict/non-strict rules differ.
_value = st.one_of(
    st.just(math.nan),
    st.integers(min_value=-4, max_value=4).map(lambda v: v / 2),
    st.integers(min_value=0, max_value=10).map(lambda v: v / 10),
    st.integers(min_value=0, max_value=100).map(float),
    st.floats(min_value=-200, max_value=200, allow_nan=False),
)
_close = st.one_of(
    st.integers(min_value=-2, max_value=200).map(float),
    st.floats(min_value=0.01, max_value=200),
)


@st.composite
def frames(draw: st.DrawFn, names: tuple[str, ...]) -> tuple[BarSeries, dict[str, FloatArray]]:
    """Return random bars and feature columns (with NaN gaps anywhere) of one length."""
    size = draw(st.integers(min_value=1, max_value=40))
    close = np.array(draw(st.lists(_close, min_size=size, max_size=size)))
    bars = BarSeries(
        symbol=SYMBOL,
        ts_ms=np.arange(size, dtype=np.int64) * 3_600_000,
        open=close.copy(),
        high=close.copy(),
        low=close.copy(),
        close=close,
        volume=np.ones(size),
    )
    features = {
        name: np.array(draw(st.lists(_value, min_size=size, max_size=size))) for name in names
    }
    return bars, features
