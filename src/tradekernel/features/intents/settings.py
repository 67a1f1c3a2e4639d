"""Settings of intent building: fees for the balance check, the account's quote asset, and
on a linear perpetual account its terms and the perpetual gates' limits."""

from decimal import Decimal

import attrs

from tradekernel.domain.perpetuals import PerpetualTerms
from tradekernel.features.intents.perpetual_gates import PerpetualLimits


def _non_negative(_instance: object, attribute: "attrs.Attribute[Decimal]", value: Decimal) -> None:
    if value < 0:
        raise ValueError(f"{attribute.name} must be >= 0, got {value}")


@attrs.frozen(kw_only=True)
class IntentSettings:
    """`fee_rate` is the worst-case (taker) fee used to reserve cash for buys.

    `perpetual` is the account's terms on a linear perpetual account (None on spot: the
    spot gates apply); `perpetual_limits` the blueprint's `[execution]` limits of the
    perpetual gates.
    """

    quote_asset: str = "USDT"
    fee_rate: Decimal = attrs.field(default=Decimal("0.001"), validator=_non_negative)
    perpetual: PerpetualTerms | None = None
    perpetual_limits: PerpetualLimits = attrs.Factory(PerpetualLimits)
