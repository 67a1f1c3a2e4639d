"""Settings of intent building: fees for the balance check, and the account's quote asset."""

from decimal import Decimal

import attrs


def _non_negative(_instance: object, attribute: "attrs.Attribute[Decimal]", value: Decimal) -> None:
    if value < 0:
        raise ValueError(f"{attribute.name} must be >= 0, got {value}")


@attrs.frozen(kw_only=True)
class IntentSettings:
    """`fee_rate` is the worst-case (taker) fee used to reserve cash for buys."""

    quote_asset: str = "USDT"
    fee_rate: Decimal = attrs.field(default=Decimal("0.001"), validator=_non_negative)
