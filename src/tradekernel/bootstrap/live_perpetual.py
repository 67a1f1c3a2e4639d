"""A live (or dry) session on a linear perpetual account (Binance USDⓈ-M through ccxt's
`binanceusdm`): the account checked before anything is sent, prepared once the startup
guard let the run through, and its positions and funding watched (docs/perpetuals.md).

- At wiring (before the manifest, nothing sent): the blueprint's terms, a `swap` market on
  `binanceusdm`, a whole leverage, and the account's position mode (one request) equal
  to `account.position_mode`; a mismatch is a `ConfigError` naming that key (exit 2).
- After the guard, live only: margin mode, then leverage, of every symbol (idempotent:
  Binance's -4046 "No need to change margin type." is a success). A dry run sends
  nothing: it says what it would set and trades on a simulated perpetual venue.
"""

from collections.abc import Callable, Mapping, Sequence

import attrs

from tradekernel.adapters.backtest.perpetual_venue import PerpetualVenue
from tradekernel.adapters.backtest.venue import BacktestVenue
from tradekernel.adapters.ccxt.config import MarketType
from tradekernel.bootstrap.perpetual_account import is_perpetual, perpetual_terms
from tradekernel.bootstrap.wiring import LiveParts
from tradekernel.domain.account import Position
from tradekernel.domain.errors import ConfigError
from tradekernel.domain.market import SymbolRules
from tradekernel.domain.perpetuals import PerpetualTerms, PositionMode
from tradekernel.domain.ports.order_store import OrderEventStore
from tradekernel.domain.ports.perpetual_account import FundingPayment, PerpetualAccount
from tradekernel.domain.ports.simulation import SimulatedVenue
from tradekernel.orchestration.live.perpetual_watch import PerpetualWatch
from tradekernel.orchestration.live.recorded_fills import recorded_fills

EXCHANGE_ID = "binanceusdm"


@attrs.frozen(kw_only=True)
class PerpetualStart:
    """The checked terms of a perpetual session and what prepares its account."""

    terms: PerpetualTerms
    # Set margin mode and leverage (live), or say what would be set (dry run).
    prepare: Callable[[], tuple[str, ...]]


class SimulatedPerpetualAccount:
    """A dry run's perpetual account: the simulated venue's positions, no funding."""

    def __init__(self, venue: SimulatedVenue, mode: PositionMode) -> None:
        self._venue = venue
        self._mode = mode

    def position_mode(self) -> PositionMode:
        return self._mode

    def venue_positions(self) -> Sequence[Position]:
        return sorted(self._venue.positions(), key=lambda p: p.symbol)

    def funding_payments(self, since_ms: int) -> Sequence[FundingPayment]:
        return ()


def check_perpetual(parts: LiveParts, *, live: bool) -> PerpetualStart | None:
    """Check a perpetual blueprint against the config and the account (None on spot).

    Raises:
        ConfigError: a term the blueprint may not have, a market other than a
            `binanceusdm` swap, a fractional leverage, or (live) an account whose
            position mode is not `account.position_mode`.
        Transient, Fatal: the position mode could not be read.
    """
    blueprint = parts.blueprint
    account = blueprint.settings.account
    if not is_perpetual(account):
        return None
    terms = perpetual_terms(account, blueprint.file)
    ccxt = parts.loaded.settings.ccxt
    if ccxt.exchange_id != EXCHANGE_ID or ccxt.market_type is not MarketType.SWAP:
        raise ConfigError(
            f"a linear_perpetual blueprint trades on exchange_id = '{EXCHANGE_ID}' with "
            f"market_type = 'swap', got '{ccxt.exchange_id}' / '{ccxt.market_type.value}'",
            path="ccxt.exchange_id",
            file=str(parts.loaded.file),
        )
    leverage = terms.leverage
    if leverage != leverage.to_integral_value():
        raise ConfigError(
            f"Binance takes a whole leverage, got {leverage}",
            path="account.leverage",
            file=blueprint.file,
        )
    symbols = blueprint.settings.universe.symbols
    if not live:
        margin = terms.margin_mode.value

        def describe() -> tuple[str, ...]:
            return tuple(
                f"dry run: would set {symbol} margin mode {margin}, leverage {int(leverage)}x "
                "(nothing sent)"
                for symbol in symbols
            )

        return PerpetualStart(terms=terms, prepare=describe)
    venue = parts.execution.perpetual_account()
    mode = venue.position_mode()
    if mode is not terms.position_mode:
        raise ConfigError(
            f"the venue account is in {mode.value} position mode, the blueprint says "
            f"'{terms.position_mode.value}': change the account's position mode on the venue "
            "(with no open position) or the blueprint; nothing was sent",
            path="account.position_mode",
            file=blueprint.file,
        )

    def prepare() -> tuple[str, ...]:
        return venue.prepare(leverage=int(leverage), margin_mode=terms.margin_mode)

    return PerpetualStart(terms=terms, prepare=prepare)


def paper_venue(parts: LiveParts, terms: PerpetualTerms | None) -> SimulatedVenue:
    """Return a dry run's simulated venue: a perpetual one on a perpetual account."""
    fresh = parts.new_simulated_venue()
    if terms is None or not isinstance(fresh, BacktestVenue):
        return fresh
    return PerpetualVenue(fresh.settings, terms)


def perpetual_watch(
    parts: LiveParts,
    start: PerpetualStart | None,
    *,
    paper: SimulatedVenue | None,
    store: OrderEventStore,
    rules: Mapping[str, SymbolRules],
    adopt: bool,
) -> PerpetualWatch | None:
    """Return the watch of the session's positions and funding from now on: on the venue,
    or on the dry run's simulated venue (None on a spot account)."""
    if start is None:
        return None
    account: PerpetualAccount = (
        parts.execution.perpetual_account()
        if paper is None
        else SimulatedPerpetualAccount(paper, start.terms.position_mode)
    )
    return PerpetualWatch(
        account=account,
        own_fills=lambda: recorded_fills(store.all_events()),
        symbols=parts.blueprint.settings.universe.symbols,
        tolerance={symbol: rule.step_size for symbol, rule in rules.items()},
        adopt=adopt,
        since_ms=parts.clock.now_ms(),
    )
