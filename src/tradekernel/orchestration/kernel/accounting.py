"""The account as planning sees it: cash, equity and exposure at the cycle's marks."""

from decimal import Decimal

from tradekernel.domain.context import PlanningContext
from tradekernel.domain.stage_inputs import AccountView


def account_view(context: PlanningContext[object], quote_asset: str) -> AccountView:
    """Mark every open position at the context's mark (its entry price when unmarked)."""
    balance = context.balances.get(quote_asset)
    cash = balance.total if balance is not None else Decimal(0)
    exposure: dict[str, Decimal] = {}
    for symbol in sorted(context.positions):
        position = context.positions[symbol]
        if not position.is_open:
            continue
        mark = context.marks.get(symbol)
        price = mark.price if mark is not None else position.avg_entry_price
        exposure[symbol] = position.quantity * price
    equity = cash + sum(exposure.values(), Decimal(0))
    peak = context.peak_equity if context.peak_equity is not None else equity
    return AccountView(
        quote_asset=quote_asset,
        cash=cash,
        equity=equity,
        peak_equity=max(peak, equity),
        exposure=exposure,
        open_positions=len(exposure),
        open_orders=len(context.open_orders),
    )
