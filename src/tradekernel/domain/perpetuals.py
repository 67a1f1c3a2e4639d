"""Perpetual futures vocabulary: market type, position side and mode, margin, funding.

Only linear (USDⓈ-margined) perpetuals are modelled: the contract is quoted and settled in
the quote asset, one contract is one unit of the base asset, so a position's notional is
`|quantity| * price` and its PnL is `quantity * (price - entry)` in the quote asset.
Inverse (coin-margined) contracts are a documented non-goal (docs/perpetuals.md).

Margin, with `L` the leverage and `m` the maintenance margin rate:

    initial margin     = |quantity| * entry / L
    maintenance margin = |quantity| * mark * m
    liquidation price  (isolated, one position, wallet margin M = initial margin):
        long:  entry - (M - maintenance at the liquidation price) / |quantity|
               = entry * (1 - 1/L) / (1 - m)
        short: entry * (1 + 1/L) / (1 + m)

Cross margin uses the whole wallet balance as the position's margin instead of the
initial margin: `cross_liquidation_price` below.
"""

from decimal import ROUND_DOWN, Decimal
from enum import StrEnum

import attrs

ZERO = Decimal(0)
ONE = Decimal(1)
HOUR_MS = 3_600_000


class AccountMarketType(StrEnum):
    """What a blueprint trades: spot holdings or linear perpetual contracts."""

    SPOT = "spot"
    LINEAR_PERPETUAL = "linear_perpetual"


class PositionSide(StrEnum):
    """Which position an order acts on: BOTH in one-way mode, LONG or SHORT in hedge mode."""

    BOTH = "both"
    LONG = "long"
    SHORT = "short"


class PositionMode(StrEnum):
    """One net position per symbol (one-way) or a long and a short side at once (hedge)."""

    ONE_WAY = "one_way"
    HEDGE = "hedge"


class MarginMode(StrEnum):
    """Margin per position (isolated) or the whole wallet behind every position (cross)."""

    ISOLATED = "isolated"
    CROSS = "cross"


def _positive_decimal(
    _instance: object, attribute: "attrs.Attribute[Decimal]", value: Decimal
) -> None:
    if not value.is_finite() or value <= 0:
        raise ValueError(f"account.{attribute.name} must be a finite decimal > 0, got {value}")


def _leverage(instance: object, attribute: "attrs.Attribute[Decimal]", value: Decimal) -> None:
    _positive_decimal(instance, attribute, value)
    if value < 1 or value > 125:
        raise ValueError(f"account.{attribute.name} must be in [1, 125], got {value}")


def _rate(_instance: object, attribute: "attrs.Attribute[Decimal]", value: Decimal) -> None:
    if not value.is_finite() or not ZERO <= value < ONE:
        raise ValueError(f"account.{attribute.name} must be a fraction in [0, 1), got {value}")


def _interval(_instance: object, attribute: "attrs.Attribute[int]", value: int) -> None:
    if value <= 0 or value % HOUR_MS:
        raise ValueError(f"account.{attribute.name} must be a whole number of hours in ms")


@attrs.frozen(kw_only=True)
class PerpetualTerms:
    """How a linear perpetual account is margined, funded and liquidated.

    `funding_interval_ms` (8 h on Binance) spaces the funding times, counted from the
    epoch; `liquidation_fee_rate` is charged on the notional at the liquidation price.

    Raises:
        ValueError: On construction, for leverage outside [1, 125], a rate outside [0, 1),
            a maintenance rate not below the initial margin rate `1 / leverage`, or a
            funding interval that is not a positive whole number of hours.
    """

    leverage: Decimal = attrs.field(default=ONE, validator=_leverage)
    margin_mode: MarginMode = MarginMode.ISOLATED
    position_mode: PositionMode = PositionMode.ONE_WAY
    maintenance_margin_rate: Decimal = attrs.field(default=Decimal("0.005"), validator=_rate)
    liquidation_fee_rate: Decimal = attrs.field(default=Decimal("0.005"), validator=_rate)
    funding_interval_ms: int = attrs.field(default=8 * HOUR_MS, validator=_interval)

    def __attrs_post_init__(self) -> None:
        if self.maintenance_margin_rate >= self.initial_margin_rate:
            raise ValueError(
                f"account.maintenance_margin_rate {self.maintenance_margin_rate} must be below "
                f"the initial margin rate 1/leverage = {self.initial_margin_rate}"
            )

    @property
    def initial_margin_rate(self) -> Decimal:
        """Return `1 / leverage`, the share of notional a new position locks as margin."""
        return ONE / self.leverage

    def is_funding_time(self, ts_ms: int) -> bool:
        """Return True if funding is exchanged at `ts_ms` (a multiple of the interval)."""
        return ts_ms % self.funding_interval_ms == 0


@attrs.frozen(kw_only=True)
class FundingRate:
    """One funding event: at `ts_ms`, longs pay shorts `rate * notional at mark` (or get it)."""

    symbol: str
    ts_ms: int
    rate: Decimal


def isolated_liquidation_price(
    quantity: Decimal, entry: Decimal, leverage: Decimal, maintenance_rate: Decimal
) -> Decimal:
    """Return the mark at which an isolated position opened at `entry` is liquidated.

    At that mark the margin left (initial margin + unrealised PnL) equals the maintenance
    margin. Zero for a flat position.
    """
    if quantity == 0:
        return ZERO
    if quantity > 0:
        return entry * (ONE - ONE / leverage) / (ONE - maintenance_rate)
    return entry * (ONE + ONE / leverage) / (ONE + maintenance_rate)


def cross_liquidation_price(
    quantity: Decimal, entry: Decimal, wallet: Decimal, maintenance_rate: Decimal
) -> Decimal:
    """Return the mark at which the whole `wallet` no longer covers maintenance (cross).

    Solves `wallet + q * (p - entry) = |q| * p * m` for `p`; zero for a flat position or
    when no positive price liquidates (a long backed by more than its notional).
    """
    if quantity == 0:
        return ZERO
    price = (quantity * entry - wallet) / (quantity - abs(quantity) * maintenance_rate)
    return max(price, ZERO)


def margin_quantity(
    *,
    available: Decimal,
    fraction: Decimal,
    price: Decimal,
    leverage: Decimal,
    fee_rate: Decimal,
    step: Decimal,
) -> Decimal:
    """Return the quantity whose margin plus fee uses `fraction` of `available`.

    `q * price / leverage + q * price * fee_rate = available * fraction`, rounded down to
    `step`; zero when nothing is available.
    """
    budget = available * fraction
    if budget <= 0 or price <= 0:
        return ZERO
    per_unit = price * (ONE / leverage + fee_rate)
    return (budget / per_unit / step).to_integral_value(rounding=ROUND_DOWN) * step
