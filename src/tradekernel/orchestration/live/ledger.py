"""The spot ledger: holdings explained by our own fills, as recorded in the order store.

A spot venue reports balances, not positions with a cost basis, so the positions the
planner sees come from here: the fold of every fill event (each trade id once), with a
fee paid in the base asset taken off the quantity, as the venue takes it off the balance.
"""

from collections.abc import Iterable, Mapping
from decimal import Decimal

import attrs

from tradekernel.domain.account import Position
from tradekernel.domain.enums import OrderStatus, Side
from tradekernel.domain.ports.order_store import OrderEvent
from tradekernel.orchestration.oms.order_payload import OrderSpec, read_detail
from tradekernel.orchestration.oms.transitions import FILL_KINDS


@attrs.frozen(kw_only=True)
class LedgerFill:
    client_order_id: str
    trade_id: str
    symbol: str
    side: Side
    quantity: Decimal
    price: Decimal
    fee: Decimal
    fee_asset: str
    ts_ms: int


def ledger_fills(events: Iterable[OrderEvent]) -> tuple[LedgerFill, ...]:
    """Return every fill of a known order once, in store order."""
    specs: dict[str, OrderSpec] = {}
    seen: set[tuple[str, str]] = set()
    fills: list[LedgerFill] = []
    for event in events:
        coid = event.client_order_id
        if event.kind is OrderStatus.CREATED and coid not in specs:
            try:
                specs[coid] = OrderSpec.from_json(coid, event.payload)
            except ValueError:
                continue
            continue
        spec = specs.get(coid)
        if event.kind not in FILL_KINDS or spec is None or event.trade_id is None:
            continue
        if (coid, event.trade_id) in seen or event.quantity is None or event.price is None:
            continue
        seen.add((coid, event.trade_id))
        fee = read_detail(event.payload, "fee")
        fills.append(
            LedgerFill(
                client_order_id=coid,
                trade_id=event.trade_id,
                symbol=spec.symbol,
                side=spec.side,
                quantity=event.quantity,
                price=event.price,
                fee=Decimal(fee) if fee is not None else Decimal(0),
                fee_asset=read_detail(event.payload, "fee_asset") or "",
                ts_ms=event.ts_ms,
            )
        )
    return tuple(fills)


@attrs.frozen(kw_only=True)
class Holding:
    symbol: str
    quantity: Decimal
    cost: Decimal
    realized_pnl: Decimal


def holdings(fills: Iterable[LedgerFill], bases: Mapping[str, str]) -> dict[str, Holding]:
    """Return each symbol's net base holding, average cost and realised PnL.

    `bases` maps a symbol to its base asset (a base-asset fee reduces the holding).
    """
    book: dict[str, Holding] = {}
    for fill in fills:
        held = book.get(fill.symbol) or Holding(
            symbol=fill.symbol, quantity=Decimal(0), cost=Decimal(0), realized_pnl=Decimal(0)
        )
        base_fee = fill.fee if fill.fee_asset == bases.get(fill.symbol) else Decimal(0)
        if fill.side is Side.BUY:
            quantity = held.quantity + fill.quantity - base_fee
            cost = held.cost + fill.quantity * fill.price
            book[fill.symbol] = attrs.evolve(held, quantity=quantity, cost=cost)
            continue
        average = held.cost / held.quantity if held.quantity > 0 else fill.price
        sold = min(fill.quantity, max(held.quantity, Decimal(0)))
        book[fill.symbol] = Holding(
            symbol=fill.symbol,
            quantity=held.quantity - fill.quantity - base_fee,
            cost=held.cost - sold * average,
            realized_pnl=held.realized_pnl + sold * (fill.price - average),
        )
    return book


def positions(book: Mapping[str, Holding]) -> dict[str, Position]:
    """Return the open holdings as planning positions, by symbol."""
    result: dict[str, Position] = {}
    for symbol, held in sorted(book.items()):
        if held.quantity <= 0:
            continue
        result[symbol] = Position(
            symbol=symbol,
            quantity=held.quantity,
            avg_entry_price=held.cost / held.quantity if held.cost > 0 else Decimal(0),
            realized_pnl=held.realized_pnl,
        )
    return result
