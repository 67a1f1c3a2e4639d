"""The one context assembler: the planning context of a cycle, built the same way in every mode.

The cycle runner (backtest and paper), the live runner, the one-off commands (`plan`,
`check-lookahead`) and `replay` (rebuilding a recorded context) all call
`assemble_context`, so for the same bars and the same account state they hand the kernel
equal contexts, and the kernel returns equal plans.
"""

from collections.abc import Mapping, Sequence
from decimal import Decimal

import attrs
import msgspec

from tradekernel.domain.account import Balance, Position
from tradekernel.domain.context import DEFAULT_CLIENT_ID_PREFIX, PlanningContext
from tradekernel.domain.enums import TradingState
from tradekernel.domain.market import MarkPrice, SymbolRules
from tradekernel.domain.orders import OpenOrderView
from tradekernel.orchestration.cycle.protective_view import planner_view
from tradekernel.shared.bars import BarSeries


class SymbolCursor(msgspec.Struct, frozen=True, kw_only=True, eq=False):
    """Where one symbol stands at a cycle.

    `series` is the symbol's (precomputed) bar history; `position` the index of its last
    bar at or before the cycle time (-1 before its first bar); `current` says whether that
    bar is at the cycle time itself (False during a gap in its data). A msgspec Struct,
    not an attrs class: one is built per symbol per planned step, in a seventh the time.
    """

    series: BarSeries
    position: int
    current: bool


@attrs.frozen(kw_only=True)
class AccountState:
    """The account as the venue (or the OMS) reports it at the cycle."""

    balances: Sequence[Balance]
    positions: Sequence[Position]
    open_orders: tuple[OpenOrderView, ...]


def float_mark(value: float) -> Decimal:
    """Return a float price as the exact decimal string of its shortest repr."""
    return Decimal(repr(float(value)))


def assemble_context(
    *,
    run_id: str,
    now_ms: int,
    cursors: Mapping[str, SymbolCursor],
    rules: Mapping[str, SymbolRules],
    account: AccountState,
    peak_equity: Decimal | None,
    trading_state: TradingState = TradingState.ACTIVE,
    backoff_until_ms: Mapping[str, int] | None = None,
    stop_new_orders: bool = False,
    client_id_prefix: str = DEFAULT_CLIENT_ID_PREFIX,
) -> PlanningContext[BarSeries]:
    """Return the planning context of the cycle at `now_ms`.

    A symbol with bars so far is marked at its last close; it is planned (its history is
    in the context) only on a cycle where it has a bar of its own. Protective exits are
    not the planner's: the context shows neither them nor what they lock (`planner_view`).
    """
    history: dict[str, BarSeries] = {}
    marks: dict[str, MarkPrice] = {}
    # In symbol order, so `history` is too (one symbol, the usual backtest, needs no sort).
    for symbol in sorted(cursors) if len(cursors) > 1 else cursors:
        cursor = cursors[symbol]
        if cursor.position < 0:
            continue
        # Its last close still marks the account during a gap, but a symbol is planned
        # on its own bars only: there is nothing new to decide on in a gap, and the
        # sparse masks (which live on its bars) agree.
        marks[symbol] = MarkPrice(
            symbol=symbol,
            price=float_mark(cursor.series.close.item(cursor.position)),
            ts_ms=int(cursor.series.ts_ms.item(cursor.position)),
        )
        if cursor.current:
            history[symbol] = cursor.series.head(cursor.position + 1)
    balances, open_orders = planner_view(account.balances, account.open_orders, rules)
    return PlanningContext(
        run_id=run_id,
        now_ms=now_ms,
        symbols=tuple(history),  # filled in symbol order above
        history=history,
        rules=rules,
        marks=marks,
        balances={balance.asset: balance for balance in balances},
        positions={p.symbol: p for p in account.positions if p.quantity != 0},
        open_orders=open_orders,
        trading_state=trading_state,
        stop_new_orders=stop_new_orders,
        backoff_until_ms=dict(backoff_until_ms or {}),
        peak_equity=peak_equity,
        client_id_prefix=client_id_prefix,
    )
