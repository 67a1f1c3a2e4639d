"""Settings of the backtest venue: fees, slippage, volume participation, starting cash."""

from decimal import Decimal

import attrs


def _finite_non_negative(
    _instance: object, attribute: "attrs.Attribute[Decimal]", value: Decimal
) -> None:
    if not value.is_finite() or value < 0:
        raise ValueError(f"venue.{attribute.name} must be a finite decimal >= 0, got {value}")


def _fee_rate(instance: object, attribute: "attrs.Attribute[Decimal]", value: Decimal) -> None:
    _finite_non_negative(instance, attribute, value)
    if value >= 1:
        raise ValueError(f"venue.{attribute.name} is a fraction of notional (< 1), got {value}")


def _slippage(instance: object, attribute: "attrs.Attribute[Decimal]", value: Decimal) -> None:
    _finite_non_negative(instance, attribute, value)
    if value >= 10_000:
        raise ValueError(f"venue.{attribute.name} must be below 10000 bps, got {value}")


def _participation(
    _instance: object, attribute: "attrs.Attribute[Decimal | None]", value: Decimal | None
) -> None:
    if value is not None and (not value.is_finite() or not 0 < value <= 1):
        raise ValueError(f"venue.{attribute.name} must be in (0, 1] or None, got {value}")


def _quote(_instance: object, attribute: "attrs.Attribute[str]", value: str) -> None:
    if not value or value != value.strip():
        raise ValueError(f"venue.{attribute.name} must be a non-empty asset code, got {value!r}")


@attrs.frozen(kw_only=True)
class VenueSettings:
    """How the backtest venue matches and charges.

    Fees are fractions of notional (0.001 = 10 bps), charged in the quote asset: the
    taker rate for market and stop fills, the maker rate for limit fills. `slippage_bps`
    moves every taker fill against us. `participation` caps each bar's fills at that
    fraction of the bar's volume (None: no cap).

    Raises:
        ValueError: On construction, for a negative or non-finite value, a fee rate >= 1,
            slippage >= 10000 bps, participation outside (0, 1], or negative cash.
    """

    maker_fee: Decimal = attrs.field(default=Decimal("0.001"), validator=_fee_rate)
    taker_fee: Decimal = attrs.field(default=Decimal("0.001"), validator=_fee_rate)
    slippage_bps: Decimal = attrs.field(default=Decimal(0), validator=_slippage)
    participation: Decimal | None = attrs.field(default=None, validator=_participation)
    starting_cash: Decimal = attrs.field(default=Decimal(10_000), validator=_finite_non_negative)
    quote_asset: str = attrs.field(default="USD", validator=_quote)
