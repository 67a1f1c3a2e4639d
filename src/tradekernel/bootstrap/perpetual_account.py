"""A blueprint's perpetual account: its terms, validated with the key that is wrong.

Backtest and paper run a perpetual blueprint on the perpetual venue
(`perpetual_sources.py`); live refuses it with one clear line until it trades perpetuals
through ccxt (docs/perpetuals.md).
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
