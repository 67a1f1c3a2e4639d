"""The account as planning sees it: cash, equity and exposure at the cycle's marks."""

from decimal import Decimal

from tradekernel.domain.context import PlanningContext
from tradekernel.domain.perpetuals import PerpetualTerms
from tradekernel.domain.stage_inputs import AccountView

ZERO = Decimal(0)


def account_view(
    context: PlanningContext[object],
    quote_asset: str,
    perpetual: PerpetualTerms | None = None,
) -> AccountView:
    """Mark every open position at the context's mark (its entry price when unmarked).

    On spot, cash is the quote balance's total and equity adds every holding's value. On a
    linear perpetual account (`perpetual` set: docs/perpetuals.md), cash is the available
    balance (free: wallet less locked margin), equity the wallet plus unrealised PnL, and
    each position's isolated margin `|q| * entry / leverage` plus its unrealised PnL is
    what closing it releases.
    """
    balance = context.balances.get(quote_asset)
    total = balance.total if balance is not None else ZERO
    exposure: dict[str, Decimal] = {}
    released: dict[str, Decimal] = {}
    unrealized = ZERO
    positions = context.positions
    # In symbol order (the exposure sums are Decimal); one position needs no sorting.
    for symbol in sorted(positions) if len(positions) > 1 else positions:
        position = positions[symbol]
        if not position.is_open:
            continue
        mark = context.marks.get(symbol)
        entry = position.avg_entry_price
        price = mark.price if mark is not None else entry
        exposure[symbol] = position.quantity * price
        if perpetual is not None:
            pnl = position.quantity * (price - entry)
            unrealized += pnl
            released[symbol] = abs(position.quantity) * entry / perpetual.leverage + pnl
    if perpetual is None:
        cash, equity = total, total + sum(exposure.values(), ZERO)
    else:
        cash = balance.free if balance is not None else ZERO
        equity = total + unrealized
    peak = context.peak_equity if context.peak_equity is not None else equity
    return AccountView(
        quote_asset=quote_asset,
        cash=cash,
        equity=equity,
        peak_equity=max(peak, equity),
        exposure=exposure,
        open_positions=len(exposure),
        open_orders=len(context.open_orders),
        perpetual=perpetual,
        released_by_close=released,
    )
