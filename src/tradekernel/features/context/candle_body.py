"""Candle body: the signed move of each bar relative to its open."""

import attrs
import numpy as np

from tradekernel.domain.enums import PluginKind
from tradekernel.domain.plugin_spec import PluginSpec
from tradekernel.shared.bars import BarSeries, FloatArray
from tradekernel.shared.param_checks import non_empty


@attrs.frozen(kw_only=True)
class CandleBodyParams:
    key: str = attrs.field(validator=non_empty)


class CandleBodyWorker:
    """`(close - open) / open` per bar (0 where open is 0): the bar's direction and size.

    Snapshots carry the close only; this column lets signals know whether a bar rose or
    fell. No warm-up.
    """

    def __init__(self, params: CandleBodyParams) -> None:
        self._params = params

    @property
    def name(self) -> str:
        return self._params.key

    @property
    def outputs(self) -> tuple[str, ...]:
        return (self._params.key,)

    @property
    def warmup(self) -> int:
        return 0

    def compute(self, bars: BarSeries) -> dict[str, FloatArray]:
        """Return the body column."""
        with np.errstate(divide="ignore", invalid="ignore"):
            body = (bars.close - bars.open) / bars.open
        return {self._params.key: np.where(bars.open == 0.0, 0.0, body)}


def _outputs(params: CandleBodyParams) -> tuple[str, ...]:
    return (params.key,)


CANDLE_BODY_SPEC = PluginSpec(
    kind=PluginKind.CONTEXT_WORKER,
    name="candle_body",
    params=CandleBodyParams,
    factory=CandleBodyWorker,
    summary="Signed candle body relative to the open: the bar's direction.",
    provides=_outputs,
)
