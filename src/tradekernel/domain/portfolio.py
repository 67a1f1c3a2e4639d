"""Holistic portfolio planning DTOs: the state, trade actions, sequences and their scores.

Everything here is plain data. Quantities and money are `Decimal`; mappings are keyed by
symbol and never iterated without sorting (the planner sorts every key it walks).
"""

from collections.abc import Mapping
from decimal import Decimal
from enum import StrEnum

import attrs

from tradekernel.domain.account import Position
from tradekernel.domain.enums import Side
from tradekernel.domain.market import SymbolRules


class MarketTrend(StrEnum):
    """The broad market regime the market-regime pattern reacts to."""

    BULL = "bull"
    BEAR = "bear"
    SIDEWAYS = "sideways"


@attrs.frozen(kw_only=True)
class Correlation:
    """The return correlation of two symbols (order of `a` and `b` does not matter)."""

    a: str
    b: str
    value: Decimal


@attrs.frozen(kw_only=True)
class PortfolioState:
    """One bucket's (or the whole account's) holdings, cash and market view at `now_ms`.

    `scores` are opportunity/quality scores in 0..1 per symbol, `volatility` a per-symbol
    volatility estimate (fraction, e.g. 0.6 for 60 %), `last_trade_ms` when each symbol last
    traded (for cooldown filters). `target_weights` come from an optimiser; when empty the
    planner falls back to the weights in its config.
    """

    quote_asset: str
    now_ms: int
    cash: Decimal
    positions: tuple[Position, ...] = ()
    marks: Mapping[str, Decimal] = attrs.Factory(dict)
    rules: Mapping[str, SymbolRules] = attrs.Factory(dict)
    target_weights: Mapping[str, Decimal] = attrs.Factory(dict)
    scores: Mapping[str, Decimal] = attrs.Factory(dict)
    volatility: Mapping[str, Decimal] = attrs.Factory(dict)
    correlations: tuple[Correlation, ...] = ()
    trend: MarketTrend = MarketTrend.SIDEWAYS
    last_trade_ms: Mapping[str, int] = attrs.Factory(dict)

    def position(self, symbol: str) -> Position | None:
        for position in self.positions:
            if position.symbol == symbol:
                return position
        return None


@attrs.frozen(kw_only=True)
class TradeAction:
    """One planned market trade at the mark: `quantity` in base units, `price` the mark."""

    symbol: str
    side: Side
    quantity: Decimal
    price: Decimal
    source: str
    priority: Decimal = Decimal(0)
    reason: str = ""

    @property
    def notional(self) -> Decimal:
        return self.quantity * self.price

    @property
    def key(self) -> str:
        """Return the content key that orders and identifies the action."""
        return f"{self.side.value}:{self.symbol}:{self.quantity.normalize():f}"


@attrs.frozen(kw_only=True)
class ActionSequence:
    """Candidate trades in execution order, as one pattern and generator produced them.

    `hypothetical` marks a constraint-relaxation "what if": it is reported, never executed.
    """

    sequence_id: str
    pattern: str
    generator: str
    actions: tuple[TradeAction, ...]
    hypothetical: bool = False
    note: str = ""

    @property
    def key(self) -> str:
        """Return the content key (what the sequence does, not where it came from)."""
        flag = "what-if|" if self.hypothetical else ""
        return flag + "|".join(action.key for action in self.actions)


@attrs.frozen(kw_only=True)
class ScoreComponent:
    name: str
    value: Decimal
    weight: Decimal


@attrs.frozen(kw_only=True)
class SequenceScore:
    """The end-state score: `total` is the weighted mean of the components, in 0..1."""

    total: Decimal
    components: tuple[ScoreComponent, ...] = ()


@attrs.frozen(kw_only=True)
class ScoredSequence:
    """A sequence after simulation and evaluation. Invalid ones carry the reason."""

    sequence: ActionSequence
    valid: bool
    score: SequenceScore
    end_cash: Decimal
    fees: Decimal
    executed: tuple[TradeAction, ...] = ()
    reason: str = ""


@attrs.frozen(kw_only=True)
class PortfolioPlan:
    """The planner's answer: the best sequence, the runners-up and the "what if"s."""

    bucket: str
    best: ScoredSequence | None
    runners_up: tuple[ScoredSequence, ...] = ()
    hypotheticals: tuple[ScoredSequence, ...] = ()
    evaluated: int = 0
    invalid: int = 0
    filtered: int = 0
