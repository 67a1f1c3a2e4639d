"""Inline SVG line charts: no script, no font file, no external reference."""

from html import escape

import numpy as np

from tradekernel.adapters.reports.downsample import DEFAULT_MAX_POINTS, min_max_indices
from tradekernel.shared.bars import FloatArray, IntArray

_PAD = 8.0


def polyline_points(
    ts_ms: IntArray, values: FloatArray, *, width: float, height: float
) -> list[tuple[float, float]]:
    """Map (time, value) to SVG coordinates inside a `width` x `height` box (y grows down)."""
    x_span = float(ts_ms[-1] - ts_ms[0]) or 1.0
    low, high = float(np.min(values)), float(np.max(values))
    y_span = (high - low) or 1.0
    xs = _PAD + (ts_ms - ts_ms[0]).astype(np.float64) / x_span * (width - 2 * _PAD)
    ys = _PAD + (high - values) / y_span * (height - 2 * _PAD)
    return [(float(x), float(y)) for x, y in zip(xs, ys, strict=True)]


def line_chart(
    ts_ms: IntArray,
    values: FloatArray,
    *,
    title: str,
    css_class: str,
    width: int = 960,
    height: int = 260,
    max_points: int = DEFAULT_MAX_POINTS,
    low_label: str = "",
    high_label: str = "",
) -> str:
    """Return an `<svg>` element drawing `values` over time as one polyline.

    Long series are downsampled with `min_max_indices`, so the polyline has at most
    `max_points` points. Every text is HTML-escaped.
    """
    keep = min_max_indices(values, max_points)
    points = polyline_points(ts_ms[keep], values[keep], width=width, height=height)
    coordinates = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    return (
        f'<svg class="chart {escape(css_class)}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>"
        f'<rect x="0" y="0" width="{width}" height="{height}" class="frame"/>'
        f'<text x="{_PAD + 2}" y="{_PAD + 10}" class="axis">{escape(high_label)}</text>'
        f'<text x="{_PAD + 2}" y="{height - _PAD - 2}" class="axis">{escape(low_label)}</text>'
        f'<polyline class="{escape(css_class)}" fill="none" points="{coordinates}"/>'
        "</svg>"
    )
