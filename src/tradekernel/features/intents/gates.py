"""Planning gates: quantise each intent to the symbol's rules, or keep it skipped with a reason.

Gates run in a fixed order and the first failing gate names the reason. An intent never
becomes tradable by defaulting a field it did not have: a limit without a price, a
non-positive quantity or an unknown side stays skipped as `invalid_normalized_fields`.
"""

from decimal import Decimal

from tradekernel.domain.enums import (
    CloseSemantics,
    OrderType,
    Side,
    SkipReason,
    TradingState,
)
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.market import SymbolRules
from tradekernel.features.intents.inputs import IntentInputs
from tradekernel.features.intents.settings import IntentSettings
from tradekernel.shared.quantize import floor_to_step, round_price

_PRICED = frozenset({OrderType.LIMIT, OrderType.STOP_LIMIT})
_STOPPED = frozenset({OrderType.STOP, OrderType.STOP_LIMIT})


def _invalid_fields(intent: ExecutionIntent) -> str | None:
    # Plugins are user code: their enums may arrive as plain strings at run time.
    side: object = intent.side
    order_type: object = intent.order_type
    if not isinstance(side, Side):
        return f"side {side!r} is not buy or sell"
    if not isinstance(order_type, OrderType):
        return f"order type {order_type!r} is not known"
    if not intent.quantity.is_finite() or intent.quantity < 0:
        return f"quantity {intent.quantity} is not a finite non-negative number"
    if intent.order_type in _PRICED and (intent.price is None or intent.price <= 0):
        return f"{intent.order_type.value} order without a positive price"
    if intent.order_type in _STOPPED and (intent.stop_price is None or intent.stop_price <= 0):
        return f"{intent.order_type.value} order without a positive stop price"
    return None


def _state_gate(intent: ExecutionIntent, inputs: IntentInputs) -> ExecutionIntent:
    if inputs.trading_state is TradingState.HALTED:
        return intent.skip(SkipReason.TRADING_HALTED, "trading is halted")
    if intent.reduce_only:
        return intent
    if inputs.trading_state is TradingState.REDUCING:
        return intent.skip(SkipReason.REDUCE_ONLY_STATE, "trading state is reducing")
    if inputs.stop_new_orders:
        return intent.skip(SkipReason.STOP_NEW_ORDERS, "the stop-new-orders switch is on")
    if intent.symbol not in inputs.universe:
        return intent.skip(SkipReason.NOT_IN_UNIVERSE, f"{intent.symbol} is not in the universe")
    until = inputs.backoff_until_ms.get(intent.symbol)
    if until is not None and inputs.cycle_ts_ms < until:
        return intent.skip(
            SkipReason.REJECTION_BACKOFF, f"{intent.symbol} is in rejection backoff until {until}"
        )
    return intent


def _quantise(intent: ExecutionIntent, rules: SymbolRules, mark: Decimal) -> ExecutionIntent:
    quantity = floor_to_step(intent.quantity, rules.step_size)
    if quantity <= 0:
        return intent.skip(
            SkipReason.QTY_ROUNDS_TO_ZERO,
            f"quantity {intent.quantity} floors to 0 at step {rules.step_size}",
        )
    price = round_price(intent.price, rules.tick_size, intent.side) if intent.price else None
    # A protective stop sells: round it up is worse (triggers later), so round toward the
    # side that triggers earlier for a sell stop (up) and for a buy stop (down).
    stop = intent.stop_price
    if stop is not None:
        stop = round_price(
            stop, rules.tick_size, Side.SELL if intent.side is Side.SELL else Side.BUY
        )
    if (
        same_representation(quantity, intent.quantity)
        and same_representation(price, intent.price)
        and same_representation(stop, intent.stop_price)
    ):
        quantised = intent  # already on the grid, digits and exponent alike: no copy
    else:
        quantised = intent.requantised(quantity, price, stop)
    if quantity < rules.min_qty:
        return quantised.skip(
            SkipReason.MIN_QTY, f"quantity {quantity} is below the minimum {rules.min_qty}"
        )
    notional = quantity * (price or stop or mark)
    if notional < rules.min_notional:
        return quantised.skip(
            SkipReason.MIN_NOTIONAL,
            f"notional {notional} is below the minimum {rules.min_notional}",
        )
    return quantised


def same_representation(a: Decimal | None, b: Decimal | None) -> bool:
    """Return whether `a` and `b` are the same number written the same way (or both None).

    Equal value is not enough: 0.01 and 0.01000000 serialise differently. `compare_total`
    is 0 only for the same sign, digits and exponent, at a sixth of `as_tuple`'s cost.
    """
    if a is None or b is None:
        return a is b
    return not a.compare_total(b)


def _duplicate(intent: ExecutionIntent, inputs: IntentInputs) -> str | None:
    for order in inputs.open_orders:
        if order.client_order_id == intent.client_order_id:
            return f"order {order.client_order_id} is already working"
        same_shape = (
            order.symbol == intent.symbol
            and order.side is intent.side
            and order.order_type is intent.order_type
            and order.price == (intent.price or intent.stop_price)
            and order.reduce_only == intent.reduce_only
        )
        if same_shape:
            return f"an equal order {order.client_order_id} is already working"
    return None


class Gatekeeper:
    """Apply the gates to a plan's intents in plan order, tracking cash and holdings used."""

    def __init__(self, settings: IntentSettings, inputs: IntentInputs) -> None:
        self._settings = settings
        self._inputs = inputs
        self._free = dict(inputs.free_balances)
        self._released: set[str] = set()
        # What a buy reserves per unit of its notional, fees included: one sum per cycle.
        self._with_fees = 1 + settings.fee_rate
        # A working order can equal an intent only by its client id or on its symbol: an
        # intent matching neither skips the scan of every working order (`_duplicate`).
        working = inputs.open_orders
        self._working_ids = frozenset(order.client_order_id for order in working)
        self._working_symbols = frozenset(order.symbol for order in working)

    def admit(self, intent: ExecutionIntent) -> ExecutionIntent:
        """Return the intent quantised and admitted, or skipped with its reason."""
        inputs = self._inputs
        problem = _invalid_fields(intent)
        if problem is not None:
            return intent.skip(SkipReason.INVALID_NORMALIZED_FIELDS, problem)
        intent = _state_gate(intent, inputs)
        if intent.skipped:
            return intent
        rules = inputs.rules.get(intent.symbol)
        if rules is None:
            return intent.skip(
                SkipReason.RULES_UNAVAILABLE, f"no trading rules for {intent.symbol}"
            )
        mark = inputs.marks.get(intent.symbol)
        if mark is None or mark <= 0:
            return intent.skip(SkipReason.MISSING_MARK_PRICE, f"no mark price for {intent.symbol}")
        intent = self._cap_to_position(intent, rules)
        if intent.skipped:
            return intent
        intent = _quantise(intent, rules, mark)
        if intent.skipped:
            return intent
        if intent.symbol in self._working_symbols or intent.client_order_id in self._working_ids:
            duplicate = _duplicate(intent, inputs)
            if duplicate is not None:
                return intent.skip(SkipReason.DUPLICATE_OPEN_ORDER, duplicate)
        return self._reserve(intent, rules, mark)

    def _cap_to_position(self, intent: ExecutionIntent, rules: SymbolRules) -> ExecutionIntent:
        if intent.close_semantics is CloseSemantics.OPEN:
            return intent
        position = self._inputs.positions.get(intent.symbol)
        held = position.quantity if position is not None else Decimal(0)
        if held <= 0 and intent.side is Side.SELL:
            return intent.skip(SkipReason.NOTHING_TO_CLOSE, f"no {rules.base} position to close")
        if intent.side is Side.SELL and intent.quantity > held:
            return intent.requantised(held, intent.price, intent.stop_price)
        return intent

    def _release(self, intent: ExecutionIntent, rules: SymbolRules) -> None:
        """Count as free what the order an intent replaces holds: its cancel frees it."""
        replaced = intent.replaced_order_id
        if replaced is None or replaced in self._released:
            return
        for order in self._inputs.open_orders:
            if order.client_order_id == replaced:
                self._released.add(replaced)
                left = order.quantity - order.filled_quantity
                if order.side is Side.SELL:
                    self._free[rules.base] = self._free.get(rules.base, Decimal(0)) + left
                elif order.price is not None:
                    held = left * order.price
                    self._free[rules.quote] = self._free.get(rules.quote, Decimal(0)) + held
                return

    def _reserve(
        self, intent: ExecutionIntent, rules: SymbolRules, mark: Decimal
    ) -> ExecutionIntent:
        self._release(intent, rules)
        if intent.side is Side.BUY:
            price = intent.price or intent.stop_price or mark
            cost = intent.quantity * price * self._with_fees
            free = self._free.get(rules.quote, Decimal(0))
            if cost > free:
                return intent.skip(
                    SkipReason.INSUFFICIENT_BALANCE,
                    f"needs {cost} {rules.quote} with fees, {free} free",
                )
            self._free[rules.quote] = free - cost
            return intent
        free_base = self._free.get(rules.base, Decimal(0))
        if intent.quantity > free_base:
            return intent.skip(
                SkipReason.INSUFFICIENT_BALANCE,
                f"sells {intent.quantity} {rules.base}, {free_base} free",
            )
        self._free[rules.base] = free_base - intent.quantity
        return intent
