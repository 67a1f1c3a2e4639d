"""The account as the planner sees it: without the runner's protective exits.

Protective orders (`protective_exits.py`) are order care's, like a delayed slice: the
planning context lists neither them nor the holding they lock. A close the plan decides
withdraws them before it is sent, so its gate must count that holding as free. With no
protective order working the account is returned as it is, so plans of blueprints
without stop-loss or take-profit are unchanged.
"""

from collections.abc import Mapping, Sequence
from decimal import Decimal

from tradekernel.domain.account import Balance
from tradekernel.domain.enums import Side
from tradekernel.domain.market import SymbolRules
from tradekernel.domain.orders import OpenOrderView
from tradekernel.shared.ids import protected_entry_id


def planner_view(
    balances: Sequence[Balance],
    open_orders: tuple[OpenOrderView, ...],
    rules: Mapping[str, SymbolRules],
) -> tuple[Sequence[Balance], tuple[OpenOrderView, ...]]:
    """Return the balances and open orders with the protective orders taken out.

    The base asset a protective sell locks counts as free again (the symbol's rules name
    the base; a symbol without rules keeps its lock).
    """
    if not open_orders:
        return balances, open_orders
    protective = [o for o in open_orders if protected_entry_id(o.client_order_id) is not None]
    if not protective:
        return balances, open_orders
    released: dict[str, Decimal] = {}
    for order in protective:
        symbol_rules = rules.get(order.symbol)
        if order.side is Side.SELL and symbol_rules is not None:
            left = order.quantity - order.filled_quantity
            released[symbol_rules.base] = released.get(symbol_rules.base, Decimal(0)) + left
    view = tuple(o for o in open_orders if protected_entry_id(o.client_order_id) is None)
    unlocked = [
        Balance(
            asset=b.asset,
            free=b.free + min(released[b.asset], b.locked),
            locked=b.locked - min(released[b.asset], b.locked),
        )
        if b.asset in released
        else b
        for b in balances
    ]
    return unlocked, view
