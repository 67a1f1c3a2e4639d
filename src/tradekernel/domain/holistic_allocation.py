"""Settings of the holistic allocation mode: the portfolio planner as the kernel's allocator.

`HolisticAllocationSettings` is generic in the planner-settings type so the domain stays
free of `features`: the config adapter binds it to
`tradekernel.features.portfolio.settings.PlannerSettings`, the kernel factory checks it.
"""

from typing import Generic, TypeVar

import attrs

from tradekernel.domain.portfolio import MarketTrend

HOLISTIC_ALLOCATOR = "holistic"

S_co = TypeVar("S_co", covariant=True)


@attrs.frozen(kw_only=True)
class HolisticAllocationSettings(Generic[S_co]):
    """The `[allocation] type = "holistic"` table, validated.

    `planner` holds the settings of one portfolio bucket (preset, sliders, overrides).
    `accept_closes` keeps the strategy's closes out of the planner's vote: they are always
    accepted, and the planner plans the state they leave. `propose_directives` offers each
    directive at its own size as a candidate trade (source `directive`), next to what the
    planner's calculators propose. `trend` feeds the market-regime pattern.
    """

    planner: S_co
    accept_closes: bool = True
    propose_directives: bool = True
    trend: MarketTrend = MarketTrend.SIDEWAYS
