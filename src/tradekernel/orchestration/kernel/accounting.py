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
    if perpetual is not None:
        return _perpetual_view(context, quote_asset, perpetual)
    balance = context.balances.get(quote_asset)
    cash = balance.total if balance is not None else ZERO
    exposure: dict[str, Decimal] = {}
    for symbol in sorted(context.positions):
        position = context.positions[symbol]
        if not position.is_open:
            continue
        mark = context.marks.get(symbol)
        price = mark.price if mark is not None else position.avg_entry_price
        exposure[symbol] = position.quantity * price
    equity = cash + sum(exposure.values(), ZERO)
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


def _perpetual_view(
    context: PlanningContext[object], quote_asset: str, terms: PerpetualTerms
) -> AccountView:
    balance = context.balances.get(quote_asset)
    available = balance.free if balance is not None else ZERO
    wallet = balance.total if balance is not None else ZERO
    exposure: dict[str, Decimal] = {}
    released: dict[str, Decimal] = {}
    unrealized = ZERO
    for symbol in sorted(context.positions):
        position = context.positions[symbol]
        if not position.is_open:
            continue
        mark = context.marks.get(symbol)
        entry = position.avg_entry_price
        price = mark.price if mark is not None else entry
        pnl = position.quantity * (price - entry)
        unrealized += pnl
        exposure[symbol] = position.quantity * price
        released[symbol] = abs(position.quantity) * entry / terms.leverage + pnl
    equity = wallet + unrealized
    peak = context.peak_equity if context.peak_equity is not None else equity
    return AccountView(
        quote_asset=quote_asset,
        cash=available,
        equity=equity,
        peak_equity=max(peak, equity),
        exposure=exposure,
        open_positions=len(exposure),
        open_orders=len(context.open_orders),
        perpetual=terms,
        released_by_close=released,
    )
