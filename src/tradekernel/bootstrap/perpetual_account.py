"""A blueprint's perpetual account: its terms, validated with the key that is wrong.

Backtest and paper run a perpetual blueprint on the perpetual venue
(`perpetual_sources.py`); live refuses it with one clear line until it trades perpetuals
through ccxt (docs/perpetuals.md).
"""

from tradekernel.adapters.config.blueprint_loader import LoadedBlueprint
from tradekernel.domain.blueprint import AccountSettings
from tradekernel.domain.errors import ConfigError
from tradekernel.domain.perpetuals import AccountMarketType, PerpetualTerms, PositionMode

HOUR_MS = 3_600_000


def is_perpetual(account: AccountSettings) -> bool:
    """Return True for a linear perpetual account."""
    return account.market_type is AccountMarketType.LINEAR_PERPETUAL


def perpetual_terms(account: AccountSettings, file: str | None = None) -> PerpetualTerms:
    """Return the account's perpetual terms.

    Raises:
        ConfigError: a leverage, rate or interval the terms refuse, or hedge mode (not
            simulated yet), naming its `account.` key and `file`.
    """
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


def refuse_perpetual_run(blueprint: LoadedBlueprint) -> None:
    """Refuse to run a perpetual blueprint live (backtest and paper run it).

    Raises:
        ConfigError: for `account.market_type = "linear_perpetual"`.
    """
    if is_perpetual(blueprint.settings.account):
        raise ConfigError(
            "market_type = 'linear_perpetual' runs in backtest and paper, not live yet "
            "(docs/perpetuals.md)",
            path="account.market_type",
            file=blueprint.file,
        )
