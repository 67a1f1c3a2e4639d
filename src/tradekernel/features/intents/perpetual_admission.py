"""The gates of a linear perpetual account: margin instead of holdings, and its own limits.

On spot a sell needs base holdings and a close is capped to them. On a perpetual account
(one-way mode) a sell with no position opens a short: it needs margin, not holdings. In
plan order (reductions first), per intent:

- a reduce-only intent passes `reduce_only_gate` against the position left by the
  reductions admitted before it: capped to exactly that position, or skipped as
  `reduce_only_mismatch`; an immediate one (not a stop) then counts as done, releasing
  its share of the position's margin plus unrealised PnL for what follows (a flip: the
  close of a long is admitted first, then the short that replaces it);
- an opening intent needs `opened * price / leverage + quantity * price * fee_rate` of
  the available balance (`insufficient_balance`), less what the part of it that closes
  the position releases (a plain order against the position closes it, then opens the
  rest, as the venue fills it), then passes `leverage_gate` (`max_leverage`) and
  `liquidation_gate` (`liquidation_too_close`) with the blueprint's limits.
"""

from decimal import Decimal

from typing_extensions import override

from tradekernel.domain.enums import OrderType, Side, SkipReason
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.market import SymbolRules
from tradekernel.domain.perpetuals import PerpetualTerms
from tradekernel.features.intents.gates import Gatekeeper
from tradekernel.features.intents.inputs import IntentInputs
from tradekernel.features.intents.perpetual_gates import (
    leverage_gate,
    liquidation_gate,
    reduce_only_gate,
)
from tradekernel.features.intents.settings import IntentSettings

ZERO = Decimal(0)
_STOPS = frozenset({OrderType.STOP, OrderType.STOP_LIMIT})


def signed_quantity(intent: ExecutionIntent) -> Decimal:
    """Return the intent's quantity, positive for a buy and negative for a sell."""
    return intent.quantity if intent.side is Side.BUY else -intent.quantity


class PerpetualGatekeeper(Gatekeeper):
    """Gate a perpetual account's intents in plan order, tracking positions and margin."""

    def __init__(
        self, settings: IntentSettings, inputs: IntentInputs, terms: PerpetualTerms
    ) -> None:
        super().__init__(settings, inputs)
        self._terms = terms
        self._held = {
            symbol: position.quantity
            for symbol, position in inputs.positions.items()
            if position.quantity
        }

    @override
    def _cap_to_position(self, intent: ExecutionIntent, rules: SymbolRules) -> ExecutionIntent:
        return reduce_only_gate(intent, self._held.get(intent.symbol, ZERO))

    @override
    def _release(self, intent: ExecutionIntent, rules: SymbolRules) -> None:
        """Release nothing: working orders lock no margin on a perpetual account."""

    @override
    def _reserve(
        self, intent: ExecutionIntent, rules: SymbolRules, mark: Decimal
    ) -> ExecutionIntent:
        symbol = intent.symbol
        position = self._held.get(symbol, ZERO)
        if intent.reduce_only:
            if intent.order_type not in _STOPS:
                self._reduce(intent, rules, position, mark)
            return intent
        terms = self._terms
        price = intent.price or intent.stop_price or mark
        signed = signed_quantity(intent)
        # A plain order against the position closes it first, then opens the rest.
        closed = min(intent.quantity, abs(position)) if position * signed < 0 else ZERO
        opened = intent.quantity - closed
        cost = opened * price / terms.leverage + intent.quantity * price * self._settings.fee_rate
        cost -= self._freed_by_close(symbol, position, closed, mark)
        free = self._free.get(rules.quote, ZERO)
        if cost > free:
            return intent.skip(
                SkipReason.INSUFFICIENT_BALANCE,
                f"needs {cost} {rules.quote} of margin with fees, {free} available",
            )
        limits = self._settings.perpetual_limits
        intent = leverage_gate(
            intent,
            position=position,
            other_notional=self._other_notional(symbol),
            equity=self._equity(),
            mark=mark,
            limits=limits,
        )
        intent = liquidation_gate(intent, mark=mark, terms=terms, limits=limits)
        if intent.skipped:
            return intent
        self._free[rules.quote] = free - cost
        self._held[symbol] = position + signed
        return intent

    def _reduce(
        self, intent: ExecutionIntent, rules: SymbolRules, position: Decimal, mark: Decimal
    ) -> None:
        """Count an admitted close as done: the position shrinks, its margin is free."""
        released = self._freed_by_close(intent.symbol, position, intent.quantity, mark)
        self._free[rules.quote] = self._free.get(rules.quote, ZERO) + released
        self._held[intent.symbol] = position + signed_quantity(intent)

    def _freed_by_close(
        self, symbol: str, position: Decimal, closed: Decimal, mark: Decimal
    ) -> Decimal:
        """Return what closing `closed` of the position at `mark` frees: margin plus PnL."""
        if not closed:
            return ZERO
        held = self._inputs.positions.get(symbol)
        entry = held.avg_entry_price if held is not None else mark
        sign = 1 if position > 0 else -1
        return closed * entry / self._terms.leverage + sign * closed * (mark - entry)

    def _other_notional(self, symbol: str) -> Decimal:
        total = ZERO
        for other, quantity in sorted(self._held.items()):
            if other == symbol or not quantity:
                continue
            mark = self._inputs.marks.get(other)
            if mark is None:
                held = self._inputs.positions.get(other)
                mark = held.avg_entry_price if held is not None else ZERO
            total += abs(quantity) * mark
        return total

    def _equity(self) -> Decimal:
        equity = self._inputs.equity
        if equity is not None:
            return equity
        return self._free.get(self._settings.quote_asset, ZERO)
