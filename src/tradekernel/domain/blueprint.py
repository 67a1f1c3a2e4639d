"""A strategy blueprint: validated settings of one bot, loaded from TOML by the config adapter.

Plugin parameters are already structured into each plugin's own params class; the kernel
factory only calls the plugins' factories.
"""

from decimal import Decimal

import attrs

from tradekernel.domain.enums import DirectiveScope, PluginKind, TimingPreference
from tradekernel.domain.live_policy import FallbackReason, RollbackPolicy
from tradekernel.domain.market import SymbolRules
from tradekernel.domain.perpetuals import AccountMarketType, MarginMode, PositionMode

DEFAULT_TICK_SIZE = Decimal("0.00000001")
DEFAULT_STEP_SIZE = Decimal("0.00000001")


@attrs.frozen(kw_only=True)
class PluginConfig:
    """One configured plugin. `path` is its key path in the file, for error messages.

    The selection fields matter only for trade planners (entry, size, exit, routing): the
    kernel picks the first planner whose confidence range (inclusive) and hints match.
    """

    kind: PluginKind
    type: str
    params: object
    path: str
    min_confidence: Decimal = Decimal(0)
    max_confidence: Decimal = Decimal(1)
    timing: TimingPreference | None = None
    scopes: tuple[DirectiveScope, ...] = ()


@attrs.frozen(kw_only=True)
class UniverseSettings:
    symbols: tuple[str, ...]
    method: str = "static"
    top_n: int | None = None
    rank_by: str = "quote_volume"
    allow: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()
    list_file: str | None = None


@attrs.frozen(kw_only=True)
class AccountSettings:
    """The simulated account: its quote asset and cash, and what it trades.

    `market_type` is spot (the default) or a linear perpetual; the other keys matter only
    for a perpetual account and become its `PerpetualTerms` (docs/perpetuals.md).
    Funding comes from `funding_files` (a `timestamp_ms,funding_rate` CSV per symbol,
    relative to the blueprint's directory), else `funding_rate` (one rate at every
    funding time), else there is none; `mark_price_files` gives a symbol's mark-price bars
    (OHLCV, the symbol's own bars without one).
    """

    quote_asset: str = "USDT"
    starting_cash: Decimal = Decimal("100000")
    market_type: AccountMarketType = AccountMarketType.SPOT
    leverage: Decimal = Decimal(1)
    margin_mode: MarginMode = MarginMode.ISOLATED
    position_mode: PositionMode = PositionMode.ONE_WAY
    maintenance_margin_rate: Decimal = Decimal("0.005")
    liquidation_fee_rate: Decimal = Decimal("0.005")
    funding_interval_hours: int = 8
    funding_rate: Decimal | None = None
    funding_files: dict[str, str] = attrs.field(factory=dict)
    mark_price_files: dict[str, str] = attrs.field(factory=dict)


@attrs.frozen(kw_only=True)
class FeeSettings:
    """Fees are fractions of notional (0.001 = 0.1%); slippage is in basis points."""

    maker: Decimal = Decimal("0.001")
    taker: Decimal = Decimal("0.001")
    slippage_bps: Decimal = Decimal(0)
    participation: Decimal | None = None


@attrs.frozen(kw_only=True)
class ExecutionPolicy:
    """Strategy-owned execution policy, declared in the blueprint (the runner obeys it).

    `fallback_on` lists the reasons (`reject`, `timeout`) a limit order may be replaced by
    a market order, when `allow_market_fallback` (or the intent) permits it; an unknown
    reason is a config error. There is no `sizing` key: a directive's size hint alone
    decides (a `quantity` is explicit, otherwise a size planner sizes it).
    `entry_timeout_ms` > 0 ends a working entry after that long (a `timeout`); `rollback`
    decides what happens to an entry's filled part when it fails half-way.
    `max_leverage` and `min_liquidation_distance` limit opening intents on a linear
    perpetual account (gates `max_leverage`, `liquidation_too_close`; None: no limit).
    """

    allow_market_fallback: bool = False
    fallback_on: tuple[FallbackReason, ...] = ()
    backoff_base_ms: int = 60_000
    backoff_max_ms: int = 3_600_000
    rollback: RollbackPolicy = RollbackPolicy.KEEP
    reduce_fraction: Decimal = Decimal("0.5")
    entry_timeout_ms: int = 0
    max_leverage: Decimal | None = None
    min_liquidation_distance: Decimal | None = None


@attrs.frozen(kw_only=True)
class BlueprintSettings:
    name: str
    description: str
    timeframe: str
    universe: UniverseSettings
    account: AccountSettings
    fees: FeeSettings
    symbols: tuple[SymbolRules, ...]
    workers: tuple[PluginConfig, ...]
    aggregator: PluginConfig
    opportunities: tuple[PluginConfig, ...]
    threats: tuple[PluginConfig, ...]
    strategies: tuple[PluginConfig, ...]
    entry: tuple[PluginConfig, ...]
    size: tuple[PluginConfig, ...]
    exit: tuple[PluginConfig, ...]
    routing: tuple[PluginConfig, ...]
    allocator: PluginConfig
    execution: ExecutionPolicy = attrs.Factory(ExecutionPolicy)

    def rules_for(self, symbol: str) -> SymbolRules:
        """Return the configured rules of a symbol, or the documented permissive defaults."""
        for rules in self.symbols:
            if rules.symbol == symbol:
                return rules
        base, quote = base_and_quote(symbol)
        return SymbolRules(
            symbol=symbol,
            base=base,
            quote=quote or self.account.quote_asset,
            tick_size=DEFAULT_TICK_SIZE,
            step_size=DEFAULT_STEP_SIZE,
        )


def base_and_quote(symbol: str) -> tuple[str, str]:
    """Return a symbol's base and quote assets (the quote "" when the symbol has none).

    A ccxt unified swap symbol names its settle asset after a colon (`XRP/USDT:USDT`):
    the quote is the part before it, so a perpetual's margin is counted in `USDT`.
    """
    base, _, quote = symbol.partition("/")
    return base, quote.partition(":")[0]
