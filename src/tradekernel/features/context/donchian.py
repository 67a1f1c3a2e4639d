"""Donchian channel over the previous N bars, excluding the current one."""

import attrs

from tradekernel.domain.enums import PluginKind
from tradekernel.domain.plugin_spec import PluginSpec
from tradekernel.features.context.smoothing import rolling_max, rolling_min, shift
from tradekernel.shared.bars import BarSeries, FloatArray
from tradekernel.shared.param_checks import at_least, non_empty

PARTS = ("high", "low")


@attrs.frozen(kw_only=True)
class DonchianParams:
    key: str = attrs.field(validator=non_empty)
    period: int = attrs.field(default=20, validator=at_least(1))


class DonchianWorker:
    """Highest high (`.high`) and lowest low (`.low`) of bars i-period .. i-1.

    The current bar is excluded so that a breakout is simply `close > high` (or
    `close < low`) on the same row. Warm-up: `period` bars.
    """

    def __init__(self, params: DonchianParams) -> None:
        self._params = params

    @property
    def name(self) -> str:
        return self._params.key

    @property
    def outputs(self) -> tuple[str, ...]:
        return tuple(f"{self._params.key}.{part}" for part in PARTS)

    @property
    def warmup(self) -> int:
        return self._params.period

    def compute(self, bars: BarSeries) -> dict[str, FloatArray]:
        """Return the channel columns, NaN during warm-up."""
        period = self._params.period
        key = self._params.key
        return {
            f"{key}.high": shift(rolling_max(bars.high, period)),
            f"{key}.low": shift(rolling_min(bars.low, period)),
        }


def _outputs(params: DonchianParams) -> tuple[str, ...]:
    return tuple(f"{params.key}.{part}" for part in PARTS)


DONCHIAN_SPEC = PluginSpec(
    kind=PluginKind.CONTEXT_WORKER,
    name="donchian",
    params=DonchianParams,
    factory=DonchianWorker,
    summary="Donchian channel of the previous N bars (current bar excluded).",
    provides=_outputs,
)
