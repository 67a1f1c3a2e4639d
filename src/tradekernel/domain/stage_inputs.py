"""DTOs handed to the planning stages: account summary, universe candidates, strategy inputs."""

from collections.abc import Mapping
from decimal import Decimal
from functools import cached_property

import attrs
import msgspec

from tradekernel.domain.account import Position
from tradekernel.domain.orders import OpenOrderView
from tradekernel.domain.perpetuals import PerpetualTerms
from tradekernel.domain.signals import (
    ContextAssessment,
    FeatureSnapshot,
    OpportunitySignal,
    ThreatSignal,
)


class AccountView(msgspec.Struct, frozen=True, kw_only=True, dict=True):
    """The account in the quote currency, as planning sees it at the cycle's marks.

    A frozen msgspec Struct: one per kernel call (docs/architecture.md, "Hot value
    objects"). `dict=True` gives it the instance dict its cached properties are kept in.

    On a linear perpetual account `perpetual` holds its terms (None on spot), `cash` is
    the available balance (wallet less locked margin), `exposure` the signed notional at
    the mark, `equity` the wallet plus unrealised PnL, and `released_by_close` what closing
    each symbol's position would add to the available balance (its margin plus its
    unrealised PnL, fees aside): a flip sizes its new side from it.
    """

    quote_asset: str
    cash: Decimal
    equity: Decimal
    peak_equity: Decimal
    exposure: Mapping[str, Decimal] = msgspec.field(default_factory=dict)
    open_positions: int = 0
    open_orders: int = 0
    perpetual: PerpetualTerms | None = None
    released_by_close: Mapping[str, Decimal] = msgspec.field(default_factory=dict)

    @cached_property
    def total_exposure(self) -> Decimal:
        return sum(self.exposure.values(), Decimal(0))

    # Cached: threat workers read it for every symbol of a cycle.
    @cached_property
    def drawdown(self) -> Decimal:
        if self.peak_equity <= 0:
            return Decimal(0)
        return max(Decimal(0), (self.peak_equity - self.equity) / self.peak_equity)


@attrs.frozen(kw_only=True)
class UniverseCandidate:
    symbol: str
    quote_volume: Decimal = Decimal(0)
    liquidity: Decimal = Decimal(0)


class StrategyInputs(msgspec.Struct, frozen=True, kw_only=True):
    """The four quadrants for one symbol, plus what the account holds there.

    A frozen msgspec Struct: one per symbol a planner may act on, every cycle
    (docs/architecture.md, "Hot value objects").
    """

    symbol: str
    ts_ms: int
    run_id: str
    snapshot: FeatureSnapshot
    assessment: ContextAssessment
    opportunities: tuple[OpportunitySignal, ...]
    threats: tuple[ThreatSignal, ...]
    account: AccountView
    position: Position | None = None
    open_orders: tuple[OpenOrderView, ...] = ()
