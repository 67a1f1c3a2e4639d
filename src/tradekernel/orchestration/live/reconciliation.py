"""Reconciliation: the venue's view against the store's, on startup and every N seconds.

- Venue open orders with our `tk` prefix the store does not know are orphans: adopted or
  cancelled by the configured policy, else reported (the startup guard refuses to trade).
  Venue orders without our prefix are foreign: reported, never touched.
- Store orders that are open but absent from the venue's open orders are fetched by
  client id: a final state is recorded; an unsent or ambiguous order unseen past the grace
  period becomes LOST; anything else stays `unresolved` and is reported.
- Own trades are pulled per symbol and recorded once per trade id (the OMS drops repeats).
- Holdings: each traded symbol's base balance on the venue against the ledger's.
"""

from collections.abc import Mapping, Sequence
from decimal import Decimal

import attrs

from tradekernel.domain.enums import OrderStatus
from tradekernel.domain.errors import OrderNotFound, Rejected, Transient
from tradekernel.domain.live_policy import OrphanPolicy
from tradekernel.domain.orders import Order
from tradekernel.domain.ports.execution import ExecutionPort
from tradekernel.domain.ports.order_store import OrderEventStore
from tradekernel.orchestration.live.ledger import holdings, ledger_fills
from tradekernel.orchestration.oms.order_manager import OrderManager
from tradekernel.shared.ids import CLIENT_ID_PREFIX


@attrs.frozen(kw_only=True)
class HoldingGap:
    """A base balance the ledger does not explain (venue minus ledger, either sign)."""

    symbol: str
    asset: str
    venue_quantity: Decimal
    ledger_quantity: Decimal

    @property
    def difference(self) -> Decimal:
        return self.venue_quantity - self.ledger_quantity


@attrs.frozen(kw_only=True)
class ReconciliationReport:
    ts_ms: int
    orphans: tuple[Order, ...] = ()
    adopted: tuple[str, ...] = ()
    cancelled: tuple[str, ...] = ()
    foreign: tuple[Order, ...] = ()
    resolved: tuple[tuple[str, OrderStatus], ...] = ()
    lost: tuple[str, ...] = ()
    unresolved: tuple[str, ...] = ()
    new_fills: int = 0
    orphan_fills: tuple[str, ...] = ()
    holding_gaps: tuple[HoldingGap, ...] = ()
    errors: tuple[str, ...] = ()

    @property
    def unhandled_orphans(self) -> tuple[Order, ...]:
        handled = set(self.adopted) | set(self.cancelled)
        return tuple(o for o in self.orphans if o.client_order_id not in handled)

    @property
    def is_clean(self) -> bool:
        """Return True when the store explains everything the venue holds."""
        return not (
            self.unhandled_orphans
            or self.foreign
            or self.unresolved
            or self.holding_gaps
            or self.errors
        )


@attrs.frozen(kw_only=True)
class ReconcileSettings:
    """`bases` maps each traded symbol to its base asset; `tolerance` is the quantity gap
    (per symbol, e.g. its step size) below which a holding counts as explained."""

    symbols: tuple[str, ...]
    bases: Mapping[str, str]
    tolerance: Mapping[str, Decimal] = attrs.Factory(dict)
    orphans: OrphanPolicy = OrphanPolicy.REFUSE
    clock_skew_ms: int = 60_000
    adopt_holdings: bool = False


class Reconciler:
    """Compare and settle; every change goes through the order manager (so it is an event)."""

    def __init__(
        self,
        *,
        manager: OrderManager,
        venue: ExecutionPort,
        store: OrderEventStore,
        settings: ReconcileSettings,
    ) -> None:
        self._manager = manager
        self._venue = venue
        self._store = store
        self._settings = settings
        self._since_ms: int | None = None

    def reconcile(self, now_ms: int, *, act: bool = True) -> ReconciliationReport:
        """Run one pass. With `act=False` nothing is adopted, cancelled or written.

        Raises:
            Transient, Fatal: the venue could not be read (nothing was decided).
        """
        settings = self._settings
        traded = set(settings.symbols)
        venue_open = [o for o in self._venue.open_orders() if o.symbol in traded]
        ours = [o for o in venue_open if o.client_order_id.startswith(CLIENT_ID_PREFIX)]
        orphans = tuple(o for o in ours if self._manager.order(o.client_order_id) is None)
        foreign = tuple(o for o in venue_open if not o.client_order_id.startswith("tk"))
        adopted, cancelled, errors = self._settle_orphans(orphans, act=act)
        on_venue = {o.client_order_id for o in venue_open}
        resolved: list[tuple[str, OrderStatus]] = []
        lost: list[str] = []
        unresolved: list[str] = []
        for state in self._manager.open_orders():
            coid = state.client_order_id
            if coid in on_venue or state.spec.symbol not in traded:
                continue
            after = self._manager.refresh(coid) if act else state
            if after.status is OrderStatus.LOST:
                lost.append(coid)
            elif after.is_terminal:
                resolved.append((coid, after.status))
            else:
                unresolved.append(coid)
        new_fills, orphan_fills = self._pull_fills(now_ms, act=act)
        gaps = () if settings.adopt_holdings else self._holding_gaps()
        return ReconciliationReport(
            ts_ms=now_ms,
            orphans=orphans,
            adopted=adopted,
            cancelled=cancelled,
            foreign=foreign,
            resolved=tuple(resolved),
            lost=tuple(lost),
            unresolved=tuple(unresolved),
            new_fills=new_fills,
            orphan_fills=orphan_fills,
            holding_gaps=gaps,
            errors=errors,
        )

    def _settle_orphans(
        self, orphans: Sequence[Order], *, act: bool
    ) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
        policy = self._settings.orphans
        adopted: list[str] = []
        cancelled: list[str] = []
        errors: list[str] = []
        if not act or policy is OrphanPolicy.REFUSE:
            return (), (), ()
        for order in orphans:
            coid = order.client_order_id
            self._manager.adopt(order)
            if policy is OrphanPolicy.ADOPT:
                adopted.append(coid)
                continue
            try:
                state = self._manager.cancel(coid)
            except (OrderNotFound, Rejected, Transient) as error:
                errors.append(f"cancel of orphan {coid} failed: {error}")
                continue
            if state.is_terminal:
                cancelled.append(coid)
            else:
                errors.append(f"orphan {coid} still {state.status.value} after its cancel")
        return tuple(adopted), tuple(cancelled), tuple(errors)

    def _pull_fills(self, now_ms: int, *, act: bool) -> tuple[int, tuple[str, ...]]:
        skew = self._settings.clock_skew_ms
        opened = [s.created_ms for s in self._manager.orders()]
        start = self._since_ms if self._since_ms is not None else min(opened, default=now_ms)
        since = max(0, start - skew)
        before = len(self._store.all_events())
        orphan_fills: set[str] = set()
        for symbol in self._settings.symbols:
            fills = self._venue.own_trades(symbol, since)
            for fill in fills:
                coid = fill.client_order_id
                if coid.startswith(CLIENT_ID_PREFIX) and self._manager.order(coid) is None:
                    orphan_fills.add(fill.trade_id)
            if act:
                self._manager.apply_fills(fills)
        if act:
            self._since_ms = now_ms
        return len(self._store.all_events()) - before, tuple(sorted(orphan_fills))

    def _holding_gaps(self) -> tuple[HoldingGap, ...]:
        settings = self._settings
        book = holdings(ledger_fills(self._store.all_events()), settings.bases)
        balances = {b.asset: b.total for b in self._venue.balances()}
        gaps: list[HoldingGap] = []
        for symbol in sorted(settings.symbols):
            asset = settings.bases[symbol]
            venue_qty = balances.get(asset, Decimal(0))
            held = book.get(symbol)
            ledger_qty = held.quantity if held is not None else Decimal(0)
            if abs(venue_qty - ledger_qty) > settings.tolerance.get(symbol, Decimal(0)):
                gaps.append(
                    HoldingGap(
                        symbol=symbol,
                        asset=asset,
                        venue_quantity=venue_qty,
                        ledger_quantity=ledger_qty,
                    )
                )
        return tuple(gaps)
