"""Closed vocabularies shared by every layer. Values are stable strings (they are persisted)."""

from enum import StrEnum


class Side(StrEnum):
    BUY = "buy"
    SELL = "sell"


class OrderType(StrEnum):
    """How an order trades.

    OCO is a protective exit only (`cycle/protective_exits.py`): a reduce-only order with a
    take-profit limit at `price` and a stop-market trigger at `stop_price`; one leg filling
    cancels the other, and both lock the holding once.
    """

    MARKET = "market"
    LIMIT = "limit"
    STOP = "stop"
    STOP_LIMIT = "stop_limit"
    OCO = "oco"


# What a plan's own orders may be (a blueprint's `order_type`): OCO is order care's only.
PLANNED_ORDER_TYPES = (OrderType.MARKET, OrderType.LIMIT, OrderType.STOP, OrderType.STOP_LIMIT)


class TimeInForce(StrEnum):
    GTC = "gtc"
    IOC = "ioc"
    FOK = "fok"
    POST_ONLY = "post_only"


class DirectiveScope(StrEnum):
    NEW_TRADE = "new_trade"
    MODIFY_EXISTING = "modify_existing"
    CLOSE_EXISTING = "close_existing"


class TimingPreference(StrEnum):
    IMMEDIATE = "immediate"
    PATIENT = "patient"
    ANY = "any"


class SizingPolicy(StrEnum):
    """Who decides the quantity: the directive itself, or a configured size planner."""

    EXPLICIT = "explicit"
    DELEGATED = "delegated"


class CloseSemantics(StrEnum):
    """What an intent does to an existing position."""

    OPEN = "open"
    REDUCE_ONLY = "reduce_only"
    CLOSE_ALL = "close_all"


class RoutingStyle(StrEnum):
    IMMEDIATE = "immediate"
    TWAP = "twap"
    ICEBERG = "iceberg"


class Regime(StrEnum):
    TRENDING = "trending"
    RANGING = "ranging"
    UNKNOWN = "unknown"


class TradingState(StrEnum):
    """ACTIVE trades; REDUCING allows only reduce-only orders and cancels; HALTED allows none."""

    ACTIVE = "active"
    REDUCING = "reducing"
    HALTED = "halted"


class OrderStatus(StrEnum):
    CREATED = "created"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    PARTIALLY_FILLED = "partially_filled"
    FILLED = "filled"
    CANCEL_REQUESTED = "cancel_requested"
    CANCELLED = "cancelled"
    REJECTED = "rejected"
    EXPIRED = "expired"
    SUBMIT_AMBIGUOUS = "submit_ambiguous"
    LOST = "lost"
    # An event kind, never a status: a reconciliation pass asked the venue for a working
    # order it did not list as open (payload `seen`: "true" or "false"). The fold counts
    # consecutive unseen checks; an order unseen long enough is settled as LOST.
    VENUE_CHECK = "venue_check"

    @property
    def is_terminal(self) -> bool:
        return self in _TERMINAL


_TERMINAL = frozenset(
    {
        OrderStatus.FILLED,
        OrderStatus.CANCELLED,
        OrderStatus.REJECTED,
        OrderStatus.EXPIRED,
        OrderStatus.LOST,
    }
)


class ExitReason(StrEnum):
    """Why a round trip ended: the plan's own close, a protective stop or take-profit, or a
    stop the plan placed and moves itself (position management's break-even or trailing),
    or a perpetual venue's forced close when margin fell below maintenance."""

    SIGNAL = "signal"
    STOP = "stop"
    TARGET = "target"
    TRAILING = "trailing"
    LIQUIDATION = "liquidation"


class Liquidity(StrEnum):
    MAKER = "maker"
    TAKER = "taker"


class SkipReason(StrEnum):
    """Why an intent stays in the plan without trading. Every gate uses one of these."""

    MISSING_MARK_PRICE = "missing_mark_price"
    RULES_UNAVAILABLE = "rules_unavailable"
    QTY_ROUNDS_TO_ZERO = "qty_rounds_to_zero"
    MIN_QTY = "min_qty"
    MIN_NOTIONAL = "min_notional"
    INSUFFICIENT_BALANCE = "insufficient_balance"
    MAX_OPEN_ORDERS = "max_open_orders"
    MAX_OPEN_POSITIONS = "max_open_positions"
    SYMBOL_EXPOSURE_CAP = "symbol_exposure_cap"
    TOTAL_EXPOSURE_CAP = "total_exposure_cap"
    CASH_BUDGET = "cash_budget"
    NOT_IN_UNIVERSE = "not_in_universe"
    INVALID_NORMALIZED_FIELDS = "invalid_normalized_fields"
    STOP_NEW_ORDERS = "stop_new_orders"
    TRADING_HALTED = "trading_halted"
    REDUCE_ONLY_STATE = "reduce_only_state"
    DUPLICATE_OPEN_ORDER = "duplicate_open_order"
    NOTHING_TO_CLOSE = "nothing_to_close"
    REJECTION_BACKOFF = "rejection_backoff"
    PORTFOLIO_PLAN = "portfolio_plan"
    # Perpetual accounts (features/intents/perpetual_gates.py).
    MAX_LEVERAGE = "max_leverage"
    LIQUIDATION_TOO_CLOSE = "liquidation_too_close"
    REDUCE_ONLY_MISMATCH = "reduce_only_mismatch"


class PluginKind(StrEnum):
    """The stage a plugin serves; the registry key is (kind, name)."""

    UNIVERSE = "universe"
    CONTEXT_WORKER = "context_worker"
    CONTEXT_AGGREGATOR = "context_aggregator"
    OPPORTUNITY = "opportunity"
    THREAT = "threat"
    STRATEGY = "strategy"
    ENTRY = "entry"
    SIZE = "size"
    EXIT = "exit"
    ROUTING = "routing"
    ALLOCATOR = "allocator"
    PORTFOLIO = "portfolio"
