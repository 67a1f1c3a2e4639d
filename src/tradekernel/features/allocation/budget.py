"""The `budget` allocator: share cash and exposure limits across execution directives.

Directives are taken in a fixed priority order (closes and modifications first, then
confidence descending, symbol, directive id), so the result does not depend on the input
order. Closes and modifications are always accepted: no cap, cash or order limit blocks
them, but their orders count against `max_open_orders` for what follows. They free no
cash or exposure in this cycle (that happens only once they fill). Each new trade, in turn:

1. `max_open_orders`: working orders plus the orders already accepted plus its own
   (one per routing slice) must not exceed the limit;
2. `max_open_positions`: a trade on a symbol with no exposure opens a position;
3. its notional (size quantity x entry reference price, or the first layer price) must
   fit the cash budget left, the symbol cap left and the total cap left. On spot every
   new trade spends its notional of cash, shorts included. On a linear perpetual account
   (`AccountView.perpetual`) it spends its margin, notional / leverage, and a close
   of a position frees what closing it releases (`AccountView.released_by_close`, times
   its close fraction) for the trades after it: the close is submitted first, so a flip
   can use the margin of the position it closes.

A trade that does not fit is shrunk to the room left when `allow_partial` is set (its
SizePlan quantity lowered, the rest of its plans kept), or refused with the reason of the
first limit it breaks, in the order cash budget, symbol cap, total cap.
"""

from collections.abc import Sequence
from decimal import ROUND_FLOOR, Decimal, localcontext

import msgspec

from tradekernel.domain.enums import SkipReason
from tradekernel.domain.orders import OpenOrderView
from tradekernel.domain.ports.plugins import AllocationRejection, AllocationResult
from tradekernel.domain.stage_inputs import AccountView
from tradekernel.domain.trade_plans import ExecutionDirective
from tradekernel.features.allocation.params import AllocationParams
from tradekernel.features.allocation.priority import (
    is_reduction,
    order_count,
    priority_key,
    released_by,
    unit_price,
)

_ZERO = Decimal(0)


def fit_quantity(room: Decimal, price: Decimal) -> Decimal:
    """Return the largest Decimal quantity whose notional at `price` does not exceed `room`."""
    with localcontext() as context:
        context.rounding = ROUND_FLOOR
        quantity = room / price
        while quantity > 0 and quantity * price > room:
            quantity = quantity.next_minus()
    return max(quantity, _ZERO)


class _Ledger(msgspec.Struct):
    """What is spent so far in this cycle (mutable; one per allocation, built in C)."""

    cash_left: Decimal
    symbol_used: dict[str, Decimal]
    total_used: Decimal
    positions: int
    orders: int
    leverage: Decimal | None = None  # a perpetual account's; None on spot

    def cash_cost(self, notional: Decimal) -> Decimal:
        """Return the cash a new trade of `notional` spends: all of it, or its margin."""
        return notional if self.leverage is None else notional / self.leverage

    def cash_room(self) -> Decimal:
        """Return the notional the cash left can still open."""
        return self.cash_left if self.leverage is None else self.cash_left * self.leverage


class BudgetAllocator:
    """Cash budget, exposure caps and position/order limits (see the module docstring)."""

    def __init__(self, params: AllocationParams, name: str = "budget") -> None:
        self._params = params
        self._name = name

    @property
    def name(self) -> str:
        return self._name

    def allocate(
        self,
        directives: Sequence[ExecutionDirective],
        account: AccountView,
        open_orders: Sequence[OpenOrderView],
    ) -> AllocationResult:
        """Return the accepted directives in priority order and the refused ones with reasons."""
        params = self._params
        budget = min(account.cash * params.cash_fraction, account.cash - params.cash_reserve)
        symbol_used = {symbol: abs(value) for symbol, value in account.exposure.items()}
        ledger = _Ledger(
            cash_left=max(budget, _ZERO),
            symbol_used=symbol_used,
            total_used=sum(symbol_used.values(), _ZERO),
            positions=account.open_positions,
            orders=len(open_orders),
        )
        if account.perpetual is not None:
            ledger.leverage = account.perpetual.leverage
        accepted: list[ExecutionDirective] = []
        rejected: list[AllocationRejection] = []
        # sorted() calls the key even for one directive, the usual count of a one-symbol bot.
        ordered = sorted(directives, key=priority_key) if len(directives) > 1 else directives
        for item in ordered:
            if is_reduction(item):
                ledger.orders += order_count(item)
                ledger.cash_left += released_by(item, account)
                accepted.append(item)
                continue
            outcome = self._admit(item, account, ledger)
            if isinstance(outcome, AllocationRejection):
                rejected.append(outcome)
            else:
                accepted.append(outcome)
        return AllocationResult(accepted=tuple(accepted), rejected=tuple(rejected))

    def _admit(
        self, item: ExecutionDirective, account: AccountView, ledger: _Ledger
    ) -> ExecutionDirective | AllocationRejection:
        params = self._params
        symbol = item.directive.symbol
        slots = order_count(item)
        if params.max_open_orders is not None and ledger.orders + slots > params.max_open_orders:
            return _refused(
                item,
                SkipReason.MAX_OPEN_ORDERS,
                f"{ledger.orders} orders working or planned + {slots} new > "
                f"max_open_orders {params.max_open_orders}",
            )
        opens_position = ledger.symbol_used.get(symbol, _ZERO) == 0
        if (
            params.max_open_positions is not None
            and opens_position
            and ledger.positions + 1 > params.max_open_positions
        ):
            return _refused(
                item,
                SkipReason.MAX_OPEN_POSITIONS,
                f"{ledger.positions} positions open or planned + 1 > "
                f"max_open_positions {params.max_open_positions}",
            )
        price = unit_price(item)
        if price is None:
            return _refused(
                item, SkipReason.MISSING_MARK_PRICE, "entry plan has no reference or layer price"
            )
        quantity = abs(item.size.quantity)
        notional = quantity * price
        rooms = self._rooms(symbol, account, ledger)
        room = min([left for _reason, left in rooms])
        if notional > room:
            reason = next(reason for reason, left in rooms if notional > left)
            if not params.allow_partial or room <= 0:
                detail = self._detail(reason, symbol, account, ledger)
                return _refused(item, reason, f"notional {notional} > {detail}")
            quantity = fit_quantity(room, price)
            if quantity <= 0:
                detail = self._detail(reason, symbol, account, ledger)
                return _refused(item, reason, f"notional {notional} > {detail}; nothing fits")
            # The rationale names the limit that binds, the tightest one.
            reason = min(rooms, key=_room_left)[0]
            notional = quantity * price
            item = msgspec.structs.replace(
                item,
                size=msgspec.structs.replace(
                    item.size,
                    quantity=quantity,
                    rationale=(f"{item.size.rationale}; " if item.size.rationale else "")
                    + f"reduced by allocation from {item.size.quantity}: {reason.value} "
                    + self._detail(reason, symbol, account, ledger),
                ),
            )
        ledger.cash_left -= ledger.cash_cost(notional)
        ledger.symbol_used[symbol] = ledger.symbol_used.get(symbol, _ZERO) + notional
        ledger.total_used += notional
        ledger.orders += slots
        if opens_position and notional > 0:
            ledger.positions += 1
        return item

    def _rooms(
        self, symbol: str, account: AccountView, ledger: _Ledger
    ) -> list[tuple[SkipReason, Decimal]]:
        # The room left under each limit; its rationale (`_detail`) is written only if the
        # limit binds, as most directives fit.
        params = self._params
        rooms = [(SkipReason.CASH_BUDGET, ledger.cash_room())]
        if params.symbol_cap is not None:
            used = ledger.symbol_used.get(symbol, _ZERO)
            rooms.append(
                (SkipReason.SYMBOL_EXPOSURE_CAP, params.symbol_cap * account.equity - used)
            )
        if params.total_cap is not None:
            total = params.total_cap * account.equity
            rooms.append((SkipReason.TOTAL_EXPOSURE_CAP, total - ledger.total_used))
        return rooms

    def _detail(
        self, reason: SkipReason, symbol: str, account: AccountView, ledger: _Ledger
    ) -> str:
        """Return how the room under limit `reason` (one of `_rooms`) comes about."""
        params = self._params
        if reason is SkipReason.CASH_BUDGET:
            return (
                f"cash budget left {ledger.cash_room()} (cash {account.cash}, "
                + (f"leverage {ledger.leverage}, " if ledger.leverage else "")
                + f"fraction {params.cash_fraction}, reserve {params.cash_reserve})"
            )
        if reason is SkipReason.SYMBOL_EXPOSURE_CAP and params.symbol_cap is not None:
            cap = params.symbol_cap * account.equity
            used = ledger.symbol_used.get(symbol, _ZERO)
            return (
                f"symbol cap left {cap - used} ({params.symbol_cap} x equity "
                f"{account.equity} - exposure {used})"
            )
        total_cap = params.total_cap
        total = (total_cap or _ZERO) * account.equity
        return (
            f"total cap left {total - ledger.total_used} ({total_cap} x equity "
            f"{account.equity} - exposure {ledger.total_used})"
        )


def _room_left(room: tuple[SkipReason, Decimal]) -> Decimal:
    return room[1]


def _refused(item: ExecutionDirective, reason: SkipReason, detail: str) -> AllocationRejection:
    return AllocationRejection(directive_id=item.directive_id, reason=reason, detail=detail)
