"""Parameter validation and the catalog's declarations."""

import numpy as np
import pytest
from context_reference import load_eth_btc

from tradekernel.domain.enums import PluginKind
from tradekernel.features.context.adx import AdxParams
from tradekernel.features.context.aggregator import AggregatorParams
from tradekernel.features.context.bollinger import BollingerParams
from tradekernel.features.context.catalog import SPECS
from tradekernel.features.context.components import ComponentParams
from tradekernel.features.context.moving_average import MovingAverageParams
from tradekernel.features.context.price_source import select_source
from tradekernel.features.context.swing import SwingParams
from tradekernel.features.context.volume_percentile import VolumePercentileParams


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: MovingAverageParams(key="m", period=0), "period must be >= 1, got 0"),
        (lambda: MovingAverageParams(key="", period=3), "key must not be empty"),
        (
            lambda: MovingAverageParams(key="m", source="mid"),
            "source must be one of close, high, hl2, low, open, got 'mid'",
        ),
        (lambda: AdxParams(key="a", threshold=0.0), "threshold must be > 0, got 0.0"),
        (lambda: BollingerParams(key="b", period=1), "period must be >= 2, got 1"),
        (lambda: BollingerParams(key="b", multiplier=-1.0), "multiplier must be > 0, got -1.0"),
        (lambda: VolumePercentileParams(key="v", period=1), "period must be >= 2, got 1"),
        (lambda: SwingParams(key="s", right=0), "right must be >= 1, got 0"),
        (
            lambda: ComponentParams(name="c", kind="vibes", column="x"),
            "kind must be one of momentum, regime, trend, volume, got 'vibes'",
        ),
        (
            lambda: AggregatorParams(method="median"),
            "method must be one of consensus, max, weighted, got 'median'",
        ),
        (
            lambda: AggregatorParams(
                components=(
                    ComponentParams(name="t", kind="trend", column="a"),
                    ComponentParams(name="t", kind="volume", column="b"),
                )
            ),
            "components must have unique names, repeated: t",
        ),
    ],
)
def test_invalid_params_raise_value_error_naming_the_field(build: object, message: str) -> None:
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        build()  # type: ignore[operator]


def test_unknown_source_in_select_source_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="source must be one of"):
        select_source(load_eth_btc(), "typical")


def test_every_worker_spec_provides_exactly_the_columns_its_worker_computes() -> None:
    bars = load_eth_btc()
    keyed = {
        "bollinger": {"key": "bb"},
        "adx": {"key": "adx"},
    }
    workers = [spec for spec in SPECS if spec.kind is PluginKind.CONTEXT_WORKER]
    assert len(workers) == 10
    for spec in workers:
        params = spec.params(**keyed.get(spec.name, {"key": f"k_{spec.name}"}))
        worker = spec.factory(params)
        columns = worker.compute(bars)  # type: ignore[attr-defined]
        assert tuple(columns) == spec.provides(params) == worker.outputs  # type: ignore[attr-defined]
        assert all(isinstance(column, np.ndarray) for column in columns.values())


def test_catalog_names_are_unique_per_kind_and_aggregator_requires_its_columns() -> None:
    keys = [(spec.kind, spec.name) for spec in SPECS]
    assert len(keys) == len(set(keys))
    aggregator = next(spec for spec in SPECS if spec.kind is PluginKind.CONTEXT_AGGREGATOR)
    params = AggregatorParams(
        components=(
            ComponentParams(name="trend", kind="trend", column="sma"),
            ComponentParams(name="mom", kind="momentum", column="rsi"),
        )
    )
    assert aggregator.requires(params) == ("rsi", "sma")
