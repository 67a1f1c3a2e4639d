"""Parameter validation and the catalog's declarations."""

from decimal import Decimal

import pytest

from tradekernel.domain.enums import PluginKind
from tradekernel.features.signals.catalog import SPECS
from tradekernel.features.signals.crossover import MaCrossoverParams
from tradekernel.features.signals.drawdown import MaxDrawdownParams
from tradekernel.features.signals.liquidity import LiquidityCollapseParams
from tradekernel.features.signals.mean_reversion import RsiReversionParams
from tradekernel.features.signals.volatility_spike import VolatilitySpikeParams
from tradekernel.features.signals.volume_spike import VolumeSpikeParams


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: MaCrossoverParams(fast=""), "fast must not be empty"),
        (lambda: MaCrossoverParams(gap_scale=Decimal(0)), "gap_scale must be > 0, got 0"),
        (lambda: MaCrossoverParams(base_confidence=Decimal(2)), "base_confidence must be <= 1"),
        (lambda: RsiReversionParams(oversold=0.0), "oversold must be > 0.0, got 0.0"),
        (lambda: RsiReversionParams(overbought=100.0), "overbought must be < 100, got 100.0"),
        (
            lambda: RsiReversionParams(oversold=60.0, overbought=50.0),
            "overbought must be > oversold",
        ),
        (lambda: VolumeSpikeParams(threshold=1.0), "threshold must be < 1, got 1.0"),
        (lambda: LiquidityCollapseParams(floor=0.0), "floor must be > 0.0, got 0.0"),
        (lambda: VolatilitySpikeParams(threshold=-1.0), "threshold must be > 0.0, got -1.0"),
        (lambda: MaxDrawdownParams(limit=Decimal("1.5")), "limit must be <= 1, got 1.5"),
    ],
)
def test_invalid_params_raise_value_error_naming_the_field(build: object, message: str) -> None:
    with pytest.raises(ValueError, match="^" + message):
        build()  # type: ignore[operator]


def test_catalog_declares_every_worker_with_a_working_factory() -> None:
    names = {(spec.kind, spec.name) for spec in SPECS}
    assert names == {
        (PluginKind.OPPORTUNITY, "ma_crossover"),
        (PluginKind.OPPORTUNITY, "rsi_reversion"),
        (PluginKind.OPPORTUNITY, "donchian_breakout"),
        (PluginKind.OPPORTUNITY, "volume_spike"),
        (PluginKind.THREAT, "max_drawdown"),
        (PluginKind.THREAT, "volatility_spike"),
        (PluginKind.THREAT, "liquidity_collapse"),
        (PluginKind.THREAT, "exposure_concentration"),
    }
    for spec in SPECS:
        worker = spec.factory(spec.params())
        assert worker.name == spec.name  # type: ignore[attr-defined]
        assert spec.provides(spec.params()) == ()


def test_requires_lists_the_columns_a_worker_reads() -> None:
    by_name = {spec.name: spec for spec in SPECS}
    assert by_name["ma_crossover"].requires(MaCrossoverParams(fast="a", slow="b")) == ("a", "b")
    assert by_name["volume_spike"].requires(VolumeSpikeParams()) == ("volume_pct", "body")
    assert by_name["volatility_spike"].requires(
        VolatilitySpikeParams(column="atr", baseline="atr_slow")
    ) == ("atr", "atr_slow")
    assert by_name["max_drawdown"].requires(MaxDrawdownParams()) == ()
