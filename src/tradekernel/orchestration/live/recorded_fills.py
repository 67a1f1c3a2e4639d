"""The bot's own fills, as recorded in the order store, and the ledger they add up to.

A spot venue reports balances, not positions with a cost basis, so the positions the
planner sees come from the fold of every fill event (each trade id once) through the one
spot ledger (`shared.ledger.SpotLedger`) that the simulated venue books its fills in:
for the same fills a live position reads exactly as a backtest's.
"""

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation

from tradekernel.domain.enums import OrderStatus
from tradekernel.domain.orders import Fill
from tradekernel.domain.ports.order_store import OrderEvent
from tradekernel.orchestration.oms.order_payload import OrderSpec, read_detail
from tradekernel.orchestration.oms.transitions import FILL_KINDS
from tradekernel.shared.ledger import SpotLedger


def recorded_fills(events: Iterable[OrderEvent]) -> tuple[Fill, ...]:
    """Return every fill of a known order once, in store order."""
    specs: dict[str, OrderSpec] = {}
    seen: set[tuple[str, str]] = set()
    fills: list[Fill] = []
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
            Fill(
                client_order_id=coid,
                trade_id=event.trade_id,
                symbol=spec.symbol,
                side=spec.side,
                quantity=at_order_scale(event.quantity, spec.quantity),
                price=event.price,
                fee=Decimal(fee) if fee is not None else Decimal(0),
                fee_asset=read_detail(event.payload, "fee_asset") or "",
                ts_ms=event.ts_ms,
            )
        )
    return tuple(fills)


def at_order_scale(quantity: Decimal, ordered: Decimal) -> Decimal:
    """Return a fill's quantity written to the decimal places of the order it fills.

    A venue may report a fill without its trailing zeros (ccxt hands amounts over as
    floats: `3.0` for Binance's `"3.00000000"`), where the simulated venue books the
    order's own quantity (`3.00000000`, normalised to the step). A directive sized from
    the position carries that scale into its plan, so live pads the fill back to the
    order's places (an equal value); a fill with more places than the order keeps them.
    """
    places, own = ordered.as_tuple().exponent, quantity.as_tuple().exponent
    if not isinstance(places, int) or not isinstance(own, int) or places >= own:
        return quantity
    try:
        return quantity.quantize(Decimal(1).scaleb(places))
    except InvalidOperation:  # more digits than the context holds: keep the venue's form
        return quantity


def ledger_of(fills: Iterable[Fill], bases: Mapping[str, str]) -> SpotLedger:
    """Return the ledger of the bot's own fills (cash counted from zero).

    `bases` maps a symbol to its base asset (a base-asset fee reduces the holding). A sale
    of more than the bot bought (a holding it adopted) is booked at no cost.
    """
    ledger = SpotLedger(Decimal(0), bases=bases, strict=False)
    for fill in fills:
        ledger.apply(fill)
    return ledger
