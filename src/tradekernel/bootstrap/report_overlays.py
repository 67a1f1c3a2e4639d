"""Indicator overlays of a report's price charts: the blueprint's price-level columns.

A report draws the context-worker columns that are prices (moving averages, band and
channel edges, the last swing high and low) over the candles. They are computed by the
kernel's own column function (`feature_columns`) with the blueprint's own workers, so the
lines drawn are the values the strategy decided on. Columns in other units (RSI, ADX,
ATR, band width, volume percentile, flags) are left out: they do not share the price axis.
"""

from collections.abc import Mapping, Sequence

from tradekernel.domain.blueprint import PluginConfig
from tradekernel.domain.ports.plugins import ContextWorker
from tradekernel.orchestration.kernel.snapshots import feature_columns
from tradekernel.shared.bars import BarSeries, FloatArray

Worker = ContextWorker[BarSeries, FloatArray]

# Context worker type -> the output parts that are price levels (None: every output).
PRICE_LEVEL_PARTS: Mapping[str, tuple[str, ...] | None] = {
    "sma": None,
    "ema": None,
    "bollinger": ("mid", "upper", "lower"),
    "donchian": ("high", "low"),
    "swing": ("last_high", "last_low"),
}


def price_level_workers(
    configs: Sequence[PluginConfig], workers: Sequence[Worker]
) -> tuple[tuple[Worker, tuple[str, ...]], ...]:
    """Return each built worker whose type draws on the price axis, with those columns.

    `workers` are the blueprint's context workers built from `configs`, in the same order
    (as `build_kernel` builds them); a worker type not known to be in price units is left out.
    """
    picked: list[tuple[Worker, tuple[str, ...]]] = []
    for config, worker in zip(configs, workers, strict=True):
        if config.type not in PRICE_LEVEL_PARTS:
            continue
        parts = PRICE_LEVEL_PARTS[config.type]
        names = tuple(
            name for name in worker.outputs if parts is None or name.rsplit(".", 1)[-1] in parts
        )
        if names:
            picked.append((worker, names))
    return tuple(picked)


def with_price_overlays(
    bars: Sequence[BarSeries], overlays: Sequence[tuple[Worker, tuple[str, ...]]]
) -> list[BarSeries]:
    """Return `bars` carrying the overlay columns (computed once over each whole series)."""
    if not overlays:
        return list(bars)
    workers = [worker for worker, _names in overlays]
    wanted = {name for _worker, names in overlays for name in names}
    drawn: list[BarSeries] = []
    for series in bars:
        columns = feature_columns(series, workers)
        drawn.append(series.with_features({n: c for n, c in columns.items() if n in wanted}))
    return drawn
