"""Protective exits: an entry's stop-loss and take-profit as real orders once it fills.

The same in every mode, run by order care (`order_care.py`) at each step after the
market has brought the fills in:

- An entry sent with a `stop_loss_price` and/or a `take_profit_price` is watched. When it
  has filled (all or part), its protective exit is sent: one reduce-only order for the
  filled quantity: an OCO (`OrderType.OCO`: take-profit limit at `price`, stop-market
  trigger at `stop_price`; one leg filling cancels the other, and the holding is locked
  once), a STOP alone, or a LIMIT alone. Levels are rounded to the symbol's tick toward
  the earlier trigger (a sell's up, a buy's down), the quantity floored to its step.
- Its client order id derives from the entry's (`shared.ids.protective_order_id`), so it
  explains itself back to its entry; a later fill of the entry resizes it: the working
  one is cancelled and a larger one sent under the next revision's id.
- When the protective order ends (filled: the position is out; or cancelled by someone
  else), the entry is no longer watched. Any reduce-only order the plan sends for the
  symbol withdraws (cancels) its protective orders first: the plan has taken over the
  position's exit (a close, a partial close, a stop of its own).
- The planning context does not show protective orders, nor the holding they lock
  (`protective_view.py`): they are the runner's care, like a delayed slice, and a close the
  plan decides must not be refused for a holding a protective order only reserves.

After a restart the watch list is rebuilt from the OMS's orders (`resume`): an entry's
levels are part of its CREATED event, so a fill the stopped process never protected is
protected by the next one.

With `newest_bar` (live venues without order lists), nothing rests at the venue: the
protection is a runner-managed trigger (`protective_triggers.py`), its state the same
watch list, rebuilt by `resume` the same way (a trigger order already stored is waited
for, never sent twice).
"""

from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Protocol

import attrs

from tradekernel.domain.enums import CloseSemantics, OrderStatus, OrderType, Side
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.market import SymbolRules
from tradekernel.orchestration.cycle.delayed_slices import PermitsIntents
from tradekernel.orchestration.cycle.desk import Outcome
from tradekernel.orchestration.cycle.protective_triggers import NewestBar, triggered_exit
from tradekernel.orchestration.oms.order_state import OrderState
from tradekernel.shared.ids import (
    protected_entry_id,
    protective_order_id,
    protective_revision,
)
from tradekernel.shared.quantize import floor_to_step, round_price

ZERO = Decimal(0)

# (symbol, client order id) -> (filled quantity, finished), or None if no such order.
OrderFill = Callable[[str, str], tuple[Decimal, bool] | None]


class ExitDesk(Protocol):
    """What protective exits need of a desk (order care's desk is one)."""

    def send(self, intent: ExecutionIntent) -> Outcome: ...

    def cancel(self, intent_symbol: str, client_order_id: str) -> None: ...


@attrs.define(kw_only=True)
class _Guard:
    entry: ExecutionIntent
    protected: Decimal = ZERO  # the entry's filled quantity the working order covers
    sold: Decimal = ZERO  # what cancelled revisions traded before they were cancelled
    revision: int = 0
    working: str | None = None
    armed_after_ms: int | None = None  # a trigger reads bars closing after this


def _entry_of(state: OrderState) -> ExecutionIntent:
    spec = state.spec
    return ExecutionIntent(
        client_order_id=spec.client_order_id,
        directive_id=spec.client_order_id,
        symbol=spec.symbol,
        side=spec.side,
        order_type=spec.order_type,
        quantity=spec.quantity,
        price=spec.price,
        stop_price=spec.stop_price,
        time_in_force=spec.time_in_force,
        stop_loss_price=spec.stop_loss_price,
        take_profit_price=spec.take_profit_price,
    )


def protective_intent(
    entry: ExecutionIntent, quantity: Decimal, revision: int, rules: SymbolRules | None
) -> ExecutionIntent | None:
    """Return the protective exit of `entry` for `quantity`, or None if nothing is left."""
    side = Side.SELL if entry.side is Side.BUY else Side.BUY
    stop, target = entry.stop_loss_price, entry.take_profit_price
    if rules is not None:
        quantity = floor_to_step(quantity, rules.step_size)
        stop = None if stop is None else round_price(stop, rules.tick_size, side)
        target = None if target is None else round_price(target, rules.tick_size, side)
    if quantity <= 0 or (stop is None and target is None):
        return None
    if stop is not None and target is not None:
        kind = OrderType.OCO
    else:
        kind = OrderType.STOP if stop is not None else OrderType.LIMIT
    return ExecutionIntent(
        client_order_id=protective_order_id(entry.client_order_id, revision),
        directive_id=entry.directive_id,
        symbol=entry.symbol,
        side=side,
        order_type=kind,
        quantity=quantity,
        price=target,
        stop_price=stop,
        close_semantics=CloseSemantics.REDUCE_ONLY,
        causes=(entry.client_order_id,),
    )


class ProtectiveExits:
    """Place, resize and withdraw the protective exits of the entries order care sent."""

    def __init__(
        self,
        desk: ExitDesk,
        fill_of: OrderFill,
        *,
        rules: Mapping[str, SymbolRules] | None = None,
        control: PermitsIntents | None = None,
        on_change: Callable[[], None] | None = None,
        on_placed: Callable[[str, str], None] | None = None,
        held: Callable[[str, Side], Decimal] | None = None,
        newest_bar: NewestBar | None = None,
    ) -> None:
        """Watch entries and place their protective orders through `desk`.

        Args:
            desk: where protective orders are sent and cancelled.
            fill_of: an order's filled quantity and whether it finished (None: unknown).
            rules: the symbols' trading rules (tick and step), when known.
            control: the trading state; a protective order it refuses waits for a later
                step.
            on_change: called after each send or cancel (the account changed).
            on_placed: called with `(symbol, client order id)` of each order placed (a
                recorded market matches it against the bar its entry filled on).
            held: what the entries on a side hold of a symbol (the spot holding; on a
                perpetual account the position on that side), when a venue may hold less
                than the entry filled (a fee charged in the base asset, a position closed
                meanwhile): a protective order never asks for more, so never flips.
            newest_bar: the symbol's newest closed bar; given, the protection is a
                runner-managed trigger (`protective_triggers.py`), no resting order.
        """
        self._newest_bar = newest_bar
        self._held = held
        self._desk = desk
        self._on_change = on_change
        self._fill_of = fill_of
        self._rules = rules or {}
        self._control = control
        self._on_placed = on_placed
        self._guards: dict[str, _Guard] = {}
        self.rejections: list[tuple[int, str, str]] = []

    def __bool__(self) -> bool:
        return bool(self._guards)

    def watch(self, intent: ExecutionIntent) -> None:
        """Watch an entry just sent, if it asks for a stop-loss or a take-profit."""
        if intent.close_semantics is not CloseSemantics.OPEN:
            return
        if intent.stop_loss_price is None and intent.take_profit_price is None:
            return
        self._guards.setdefault(intent.client_order_id, _Guard(entry=intent))

    def resume(self, states: Iterable[OrderState]) -> None:
        """Rebuild the watch list from the orders an OMS recorded (a restart).

        An entry with levels is watched again unless a protective order of it ended while
        none works (the position was exited or the plan took over); a working one is
        watched as placed, its next revision after the highest seen.
        """
        states = tuple(states)
        protective: dict[str, list[OrderState]] = {}
        for state in states:
            entry = protected_entry_id(state.client_order_id)
            if entry is not None:
                protective.setdefault(entry, []).append(state)
        for state in states:
            spec = state.spec
            cid = state.client_order_id
            if spec.close_semantics is not CloseSemantics.OPEN or cid in self._guards:
                continue
            if spec.stop_loss_price is None and spec.take_profit_price is None:
                continue
            own = sorted(
                protective.get(cid, ()), key=lambda s: protective_revision(s.client_order_id)
            )
            working = [s for s in own if not s.is_terminal]
            if own and not working:
                continue
            if not own and state.is_terminal and state.filled_quantity == 0:
                continue
            guard = _Guard(entry=_entry_of(state), armed_after_ms=state.updated_ms)
            if own:
                guard.revision = protective_revision(own[-1].client_order_id) + 1
                guard.working = working[-1].client_order_id
                guard.sold = sum((s.filled_quantity for s in own[:-1]), ZERO)
                # A finished entry's fill is covered (its order may be capped to the
                # holding); a working one's is known only up to what the order sells.
                guard.protected = (
                    state.filled_quantity
                    if state.is_terminal
                    else guard.sold + working[-1].spec.quantity
                )
            self._guards[cid] = guard

    def follow(self, now_ms: int) -> None:
        """Protect what the watched entries have filled; forget those whose exit ended."""
        for cid, guard in list(self._guards.items()):
            symbol = guard.entry.symbol
            if guard.working is not None:
                answer = self._fill_of(symbol, guard.working)
                if answer is None or answer[1]:
                    del self._guards[cid]
                    continue
            entry = self._fill_of(symbol, cid)
            if entry is None:
                del self._guards[cid]
                continue
            filled, finished = entry
            if self._newest_bar is not None and guard.working is None:
                self._arm_or_trigger(guard, filled, now_ms)
                if finished and guard.protected == 0:
                    del self._guards[cid]
            elif filled > guard.protected:
                self._place(guard, filled, now_ms)
            elif finished and guard.working is None:
                del self._guards[cid]

    def withdraw(self, symbol: str) -> None:
        """Cancel the symbol's protective orders and stop watching their entries."""
        for cid, guard in list(self._guards.items()):
            if guard.entry.symbol == symbol:
                if guard.working is not None:
                    self._cancel(symbol, guard.working)
                del self._guards[cid]

    def _cancel(self, symbol: str, client_order_id: str) -> None:
        self._desk.cancel(symbol, client_order_id)
        if self._on_change is not None:
            self._on_change()

    def _quantity(self, guard: _Guard, filled: Decimal) -> Decimal:
        wanted = filled - guard.sold
        if self._held is None:
            return wanted
        return min(wanted, self._held(guard.entry.symbol, guard.entry.side))

    def _arm_or_trigger(self, guard: _Guard, filled: Decimal, now_ms: int) -> None:
        assert self._newest_bar is not None
        symbol = guard.entry.symbol
        bar = self._newest_bar(symbol)
        guard.protected = max(guard.protected, filled)
        if guard.armed_after_ms is None and guard.protected > 0 and bar is not None:
            guard.armed_after_ms = bar.close_ms  # the fill came after this bar closed
            return
        armed = guard.armed_after_ms
        if bar is None or armed is None or bar.close_ms <= armed:
            return
        level = protective_intent(
            guard.entry, self._quantity(guard, filled), guard.revision, self._rules.get(symbol)
        )
        intent = None if level is None else triggered_exit(level, bar)
        control = self._control
        if intent is None or (control is not None and control.permits(intent) is not None):
            return  # untouched, or refused for now: asked again at the next step
        guard.revision += 1
        if self._send(now_ms, intent):
            guard.working = intent.client_order_id
        else:
            guard.armed_after_ms = bar.close_ms  # a refused exit is retried on the next bar

    def _send(self, now_ms: int, intent: ExecutionIntent) -> bool:
        outcome = self._desk.send(intent)
        if self._on_change is not None:
            self._on_change()
        if outcome.status is OrderStatus.REJECTED:
            self.rejections.append((now_ms, intent.client_order_id, outcome.detail))
            return False
        return True

    def _place(self, guard: _Guard, filled: Decimal, now_ms: int) -> None:
        entry = guard.entry
        symbol = entry.symbol
        intent = protective_intent(
            entry, self._quantity(guard, filled), guard.revision, self._rules.get(symbol)
        )
        if intent is None:
            return
        control = self._control
        if control is not None and control.permits(intent) is not None:
            return  # asked again at the next step
        if guard.working is not None:
            self._cancel(symbol, guard.working)
            answer = self._fill_of(symbol, guard.working)
            guard.sold += answer[0] if answer is not None else ZERO
            guard.working = None
            intent = protective_intent(
                entry, self._quantity(guard, filled), guard.revision, self._rules.get(symbol)
            )
            if intent is None:
                return
        guard.revision += 1
        # Counted as covered even if refused: a refusal is not retried bar after bar.
        guard.protected = filled
        if not self._send(now_ms, intent):
            return
        guard.working = intent.client_order_id
        if self._on_placed is not None:
            self._on_placed(symbol, intent.client_order_id)
