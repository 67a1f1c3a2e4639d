"""The startup guard: no live trading while the venue holds what the store cannot explain."""

from tradekernel.domain.errors import TradekernelError
from tradekernel.domain.orders import Order
from tradekernel.orchestration.live.reconciliation import POSITION, ReconciliationReport

_HINT_ORPHANS = (
    "what to do: restart with --orphans adopt (manage them as this bot's orders) or "
    "--orphans cancel (cancel them on the venue), or cancel them on the venue yourself"
)
_HINT_FOREIGN = (
    "what to do: these orders were not placed by tradekernel (no tradekernel client id); "
    "cancel them on the venue, or trade these symbols from another account"
)
_HINT_UNRESOLVED = (
    "what to do: look the orders up on the venue's website; run `tradekernel reconcile "
    "--config FILE` again once the venue answers for them"
)
_HINT_HOLDINGS = (
    "what to do: move or sell the unexplained balance, or restart with --adopt-holdings "
    "to take the venue's balances as the bot's positions"
)

_HINT_POSITIONS = (
    "what to do: close the position on the venue, or restart with --adopt-holdings to "
    "manage the venue's position as the bot's own"
)


class StartupRefused(TradekernelError):
    """The venue holds orders or positions the store cannot explain; `report` says which."""

    def __init__(self, message: str, *, report: ReconciliationReport) -> None:
        super().__init__(message)
        self.report = report


def describe(order: Order) -> str:
    price = "market" if order.price is None else f"@ {order.price}"
    coid = order.client_order_id or "(no client id)"
    venue_id = f" venue id {order.venue_order_id}" if order.venue_order_id else ""
    return (
        f"{coid} {order.symbol} {order.side.value} {order.quantity} {price} "
        f"({order.status.value}, filled {order.filled_quantity}){venue_id}"
    )


def pending_notice(client_order_id: str) -> str:
    """Return the line for an unconfirmed order the venue does not show yet."""
    return (
        f"info     pending: order {client_order_id} not shown by the venue yet; looked up "
        "by client id each cycle, settled as never placed once its grace ends"
    )


def notices(report: ReconciliationReport) -> list[str]:
    """Return what a pass settled or is watching that does not block trading: unconfirmed
    orders pending, orders the venue forgot (settled LOST, with the evidence), orders
    unseen so far, late fills."""
    lines = [pending_notice(coid) for coid in report.pending]
    now = report.ts_ms
    for order in report.unseen:
        if order.settled:
            lines.append(
                f"order {order.client_order_id} settled as lost (the venue forgot it): "
                f"{order.evidence(now)}; its fills were pulled first"
            )
        else:
            lines.append(
                f"order {order.client_order_id} not on the venue: {order.evidence(now)}; "
                "still counted as working until it is settled"
            )
    lines += [f"fill after lost, applied: {late}" for late in report.late_fills]
    return lines


def guard_message(report: ReconciliationReport) -> str:
    """Return the refusal text: every unexplained item, then what to do about it."""
    lines: list[str] = []
    orphans = report.unhandled_orphans
    if orphans:
        lines.append(f"{len(orphans)} open order(s) on the venue carry our prefix but are")
        lines.append("not in the store (orphans):")
        lines += [f"  - {describe(order)}" for order in orphans]
        lines.append(_HINT_ORPHANS)
    if report.foreign:
        lines.append(f"{len(report.foreign)} foreign open order(s) on traded symbols:")
        lines += [f"  - {describe(order)}" for order in report.foreign]
        lines.append(_HINT_FOREIGN)
    if report.unresolved:
        lines.append(f"{len(report.unresolved)} stored open order(s) the venue does not show:")
        lines += [f"  - {coid}" for coid in report.unresolved]
        lines.append(_HINT_UNRESOLVED)
    balances = [gap for gap in report.holding_gaps if gap.asset != POSITION]
    positions = [gap for gap in report.holding_gaps if gap.asset == POSITION]
    for gaps, what, hint in (
        (balances, "balances", _HINT_HOLDINGS),
        (positions, "perpetual positions", _HINT_POSITIONS),
    ):
        if not gaps:
            continue
        lines.append(f"{what} the store's fills do not explain:")
        lines += [
            f"  - {gap.symbol}: venue holds {gap.venue_quantity} {gap.asset}, the store's "
            f"fills explain {gap.ledger_quantity} (difference {gap.difference})"
            for gap in gaps
        ]
        lines.append(hint)
    if report.errors:
        lines.append("reconciliation could not finish:")
        lines += [f"  - {error}" for error in report.errors]
    lines += notices(report)
    return "\n".join(["live trading refused: the venue does not match the store", *lines])


def check_startup(report: ReconciliationReport) -> None:
    """Let the bot start only on a clean reconciliation.

    Raises:
        StartupRefused: with a message that lists exactly which orders and balances, and
            what to do about each.
    """
    if not report.is_clean:
        raise StartupRefused(guard_message(report), report=report)
