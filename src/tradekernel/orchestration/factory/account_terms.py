"""A blueprint's perpetual account and limits, validated with the key that is wrong."""

from decimal import Decimal

from tradekernel.domain.blueprint import AccountSettings
from tradekernel.domain.errors import ConfigError
from tradekernel.domain.perpetuals import AccountMarketType, PerpetualTerms, PositionMode
from tradekernel.features.intents.perpetual_gates import PerpetualLimits

HOUR_MS = 3_600_000


def account_perpetual_terms(
    account: AccountSettings, file: str | None = None
) -> PerpetualTerms | None:
    """Return the account's perpetual terms, or None for a spot account.

    Raises:
        ConfigError: a leverage, rate or interval the terms refuse, or hedge mode (not
            simulated yet), naming its `account.` key and `file`.
    """
    if account.market_type is not AccountMarketType.LINEAR_PERPETUAL:
        return None
    if account.position_mode is PositionMode.HEDGE:
        raise ConfigError(
            "position_mode = 'hedge' is not simulated yet; use 'one_way'",
            path="account.position_mode",
            file=file,
        )
    try:
        return PerpetualTerms(
            leverage=account.leverage,
            margin_mode=account.margin_mode,
            position_mode=account.position_mode,
            maintenance_margin_rate=account.maintenance_margin_rate,
            liquidation_fee_rate=account.liquidation_fee_rate,
            funding_interval_ms=account.funding_interval_hours * HOUR_MS,
        )
    except ValueError as error:
        message = str(error).removeprefix("account.")
        key, _, _ = message.partition(" ")
        if key == "funding_interval_ms":
            key, message = "funding_interval_hours", "funding_interval_hours must be >= 1"
        raise ConfigError(message, path=f"account.{key}", file=file) from None


def perpetual_limits(
    max_leverage: Decimal | None, min_liquidation_distance: Decimal | None
) -> PerpetualLimits:
    """Return the perpetual gates' limits of `[execution]`.

    Raises:
        ConfigError: a `max_leverage` not above 0, or a `min_liquidation_distance` not a
            fraction in (0, 1), naming its `execution.` key.
    """
    if max_leverage is not None and (not max_leverage.is_finite() or max_leverage <= 0):
        raise ConfigError(
            f"max_leverage must be a finite decimal > 0, got {max_leverage}",
            path="execution.max_leverage",
        )
    distance = min_liquidation_distance
    if distance is not None and (not distance.is_finite() or not 0 < distance < 1):
        raise ConfigError(
            f"min_liquidation_distance must be a fraction in (0, 1), got {distance}",
            path="execution.min_liquidation_distance",
        )
    return PerpetualLimits(max_leverage=max_leverage, min_liquidation_distance=distance)
