"""A blueprint's perpetual account: its terms, validated with the key that is wrong.

The perpetual backtest venue exists (`adapters/backtest/perpetual_venue.py`), but the
cycle runner does not drive it yet: it feeds the venue bars only while orders work, and
its equity curve is the spot one, while funding and liquidation need every bar of an open
position. Until it does, every job refuses a perpetual blueprint with one clear line,
after `config validate` has checked its keys (docs/perpetuals.md).
"""

from tradekernel.adapters.config.blueprint_loader import LoadedBlueprint
from tradekernel.domain.blueprint import AccountSettings
from tradekernel.domain.errors import ConfigError
from tradekernel.domain.perpetuals import AccountMarketType, PerpetualTerms
from tradekernel.orchestration.factory.account_terms import account_perpetual_terms


def is_perpetual(account: AccountSettings) -> bool:
    """Return True for a linear perpetual account."""
    return account.market_type is AccountMarketType.LINEAR_PERPETUAL


def perpetual_terms(account: AccountSettings, file: str | None = None) -> PerpetualTerms:
    """Return the account's perpetual terms (the account must be a perpetual one).

    Raises:
        ConfigError: a leverage, rate or interval the terms refuse, or hedge mode (not
            simulated yet), naming its `account.` key and `file`.
    """
    terms = account_perpetual_terms(account, file)
    if terms is None:
        raise ConfigError("a spot account has no perpetual terms", path="account.market_type")
    return terms


def refuse_perpetual_run(blueprint: LoadedBlueprint) -> None:
    """Refuse to run a perpetual blueprint until the cycle runner drives the venue.

    Raises:
        ConfigError: for `account.market_type = "linear_perpetual"`.
    """
    if is_perpetual(blueprint.settings.account):
        raise ConfigError(
            "market_type = 'linear_perpetual' is validated but not run yet: the cycle "
            "runner does not drive the perpetual venue (docs/perpetuals.md)",
            path="account.market_type",
            file=blueprint.file,
        )
