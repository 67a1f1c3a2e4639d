"""Every plugin of `features.signals`, for the registry."""

from tradekernel.domain.plugin_spec import PluginSpec
from tradekernel.features.signals.breakout import DONCHIAN_BREAKOUT_SPEC
from tradekernel.features.signals.crossover import MA_CROSSOVER_SPEC
from tradekernel.features.signals.drawdown import MAX_DRAWDOWN_SPEC
from tradekernel.features.signals.exposure import EXPOSURE_CONCENTRATION_SPEC
from tradekernel.features.signals.liquidity import LIQUIDITY_COLLAPSE_SPEC
from tradekernel.features.signals.mean_reversion import RSI_REVERSION_SPEC
from tradekernel.features.signals.volatility_spike import VOLATILITY_SPIKE_SPEC
from tradekernel.features.signals.volume_spike import VOLUME_SPIKE_SPEC

SPECS: tuple[PluginSpec, ...] = (
    MA_CROSSOVER_SPEC,
    RSI_REVERSION_SPEC,
    DONCHIAN_BREAKOUT_SPEC,
    VOLUME_SPIKE_SPEC,
    MAX_DRAWDOWN_SPEC,
    VOLATILITY_SPIKE_SPEC,
    LIQUIDITY_COLLAPSE_SPEC,
    EXPOSURE_CONCENTRATION_SPEC,
)
