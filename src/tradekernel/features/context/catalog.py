"""Every plugin of `features.context`, for the registry."""

from tradekernel.domain.plugin_spec import PluginSpec
from tradekernel.features.context.adx import ADX_SPEC
from tradekernel.features.context.aggregator import AGGREGATOR_SPEC
from tradekernel.features.context.atr import ATR_SPEC
from tradekernel.features.context.bollinger import BOLLINGER_SPEC
from tradekernel.features.context.candle_body import CANDLE_BODY_SPEC
from tradekernel.features.context.donchian import DONCHIAN_SPEC
from tradekernel.features.context.moving_average import EMA_SPEC, SMA_SPEC
from tradekernel.features.context.rsi import RSI_SPEC
from tradekernel.features.context.swing import SWING_SPEC
from tradekernel.features.context.volume_percentile import VOLUME_PERCENTILE_SPEC

SPECS: tuple[PluginSpec, ...] = (
    SMA_SPEC,
    EMA_SPEC,
    RSI_SPEC,
    ATR_SPEC,
    ADX_SPEC,
    BOLLINGER_SPEC,
    VOLUME_PERCENTILE_SPEC,
    SWING_SPEC,
    DONCHIAN_SPEC,
    CANDLE_BODY_SPEC,
    AGGREGATOR_SPEC,
)
