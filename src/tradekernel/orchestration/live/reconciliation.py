"""Reconciliation: the venue's view against the store's, on startup and every N seconds.

- Venue open orders with our `tk` prefix the store does not know are orphans: adopted or
  cancelled by the configured policy, else reported (the startup guard refuses to trade).
  Venue orders without our prefix are foreign: reported, never touched.
- Store orders that are open but absent from the venue's open orders are fetched by
  client id: a final state is recorded; an unsent or ambiguous order is `pending` (it
  counts as working, it does not block the startup guard) and becomes LOST (never placed)
  once unseen past the OMS's grace period. An order the venue had acknowledged that it no
  longer knows gets a `venue_check` event per pass; once unseen on `vanish_passes`
  consecutive passes spanning `vanish_grace_ms`, its own trades are pulled (fills first)
  and it is settled LOST (`vanished`: gone). Until then it stays working for the planner
  (its exposure still counts) and is reported as `unseen`, which does not block the
  startup guard.
- Own trades are pulled per symbol and recorded once per trade id (the OMS drops repeats).
- Holdings: each traded symbol's base balance on the venue against the ledger's.
"""

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal

import attrs

from tradekernel.domain.enums import OrderStatus
from tradekernel.domain.errors import OrderNotFound, Rejected, Transient
from tradekernel.domain.live_policy import OrphanPolicy
from tradekernel.domain.orders import Order
from tradekernel.domain.ports.execution import ExecutionPort
from tradekernel.domain.ports.order_store import OrderEventStore
from tradekernel.orchestration.live.recorded_fills import ledger_of, recorded_fills
from tradekernel.orchestration.oms.order_manager import OrderManager
from tradekernel.orchestration.oms.order_state import OrderState
from tradekernel.orchestration.oms.transitions import UNCONFIRMED
from tradekernel.shared.ids import CLIENT_ID_PREFIX, is_client_order_id

# A perpetual position's gap names no asset (it has no base balance).
POSITION = "position"


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
class UnseenOrder:
    """A working order the venue no longer shows: on how many consecutive passes, since
    when; `settled` is True once it was settled as LOST on this pass."""

    client_order_id: str
    passes: int
    since_ms: int
    settled: bool = False

    def evidence(self, now_ms: int) -> str:
        return (
            f"absent from the open orders and not found by client id on {self.passes} "
            f"consecutive pass(es) since {self.since_ms} ({now_ms - self.since_ms} ms)"
        )


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
    # Unconfirmed orders (stored, or submitted with an unknown outcome) the venue does not
    # show yet: looked up by client id every pass and poll, LOST (never placed) once their
    # grace ends; they count as working meanwhile and do not block the startup guard.
    pending: tuple[str, ...] = ()
    unseen: tuple[UnseenOrder, ...] = ()
    new_fills: int = 0
    orphan_fills: tuple[str, ...] = ()
    holding_gaps: tuple[HoldingGap, ...] = ()
    errors: tuple[str, ...] = ()
    late_fills: tuple[str, ...] = ()

    @property
    def vanished(self) -> tuple[UnseenOrder, ...]:
        """Return the orders settled as LOST on this pass because the venue forgot them."""
        return tuple(order for order in self.unseen if order.settled)

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
    vanish_passes: int = 3
    vanish_grace_ms: int = 300_000
    # The bot's client order ids start with it: venue orders with it are the bot's own.
    client_id_prefix: str = CLIENT_ID_PREFIX

    def __attrs_post_init__(self) -> None:
        if self.vanish_passes < 2 or self.vanish_grace_ms < 0:
            raise ValueError(
                "ReconcileSettings: vanish_passes must be >= 2 (one pass proves nothing) "
                f"and vanish_grace_ms >= 0, got {self.vanish_passes}, {self.vanish_grace_ms}"
            )


class Reconciler:
    """Compare and settle; every change goes through the order manager (so it is an event)."""

    def __init__(
        self,
        *,
        manager: OrderManager,
        venue: ExecutionPort,
        store: OrderEventStore,
        settings: ReconcileSettings,
        position_gaps: Callable[[], tuple[HoldingGap, ...]] | None = None,
    ) -> None:
        """`position_gaps` replaces the base-balance check on a perpetual account (whose
        positions are signed and hold no base asset); it adopts by itself."""
        self._position_gaps = position_gaps
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
        prefix = self._settings.client_id_prefix
        ours = [o for o in venue_open if o.client_order_id.startswith(prefix)]
        orphans = tuple(o for o in ours if self._manager.order(o.client_order_id) is None)
        # Another tradekernel bot's orders (its own prefix) are neither ours nor foreign.
        foreign = tuple(
            o
            for o in venue_open
            if not (o.client_order_id.startswith(prefix) or is_client_order_id(o.client_order_id))
        )
        adopted, cancelled, errors = self._settle_orphans(orphans, act=act)
        on_venue = {o.client_order_id for o in venue_open}
        resolved: list[tuple[str, OrderStatus]] = []
        lost: list[str] = []
        unresolved: list[str] = []
        pending: list[str] = []
        unseen: list[UnseenOrder] = []
        late_before = set(self._late_fills())
        for state in self._manager.open_orders():
            coid = state.client_order_id
            if state.spec.symbol not in traded:
                continue
            if coid in on_venue:
                if act:
                    self._manager.mark_seen(coid)
                continue
            after = self._manager.check_absent(coid) if act else state
            absence = _unseen(after)
            if act and absence is not None and self._vanish_due(absence, now_ms):
                after = self._manager.settle_vanished(coid, absence.evidence(now_ms))
                absence = attrs.evolve(absence, settled=after.status is OrderStatus.LOST)
            if absence is not None and (absence.settled or not after.is_terminal):
                unseen.append(absence)
            if after.status is OrderStatus.LOST:
                lost.append(coid)
            elif after.is_terminal:
                resolved.append((coid, after.status))
            elif after.status in UNCONFIRMED:
                pending.append(coid)
            elif absence is None:
                unresolved.append(coid)
        new_fills, orphan_fills = self._pull_fills(now_ms, act=act)
        if self._position_gaps is not None:
            gaps = self._position_gaps()
        else:
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
            pending=tuple(pending),
            unseen=tuple(unseen),
            new_fills=new_fills,
            orphan_fills=orphan_fills,
            holding_gaps=gaps,
            errors=errors,
            late_fills=tuple(x for x in self._late_fills() if x not in late_before),
        )

    def _vanish_due(self, absence: UnseenOrder, now_ms: int) -> bool:
        settings = self._settings
        return (
            absence.passes >= settings.vanish_passes
            and now_ms - absence.since_ms >= settings.vanish_grace_ms
        )

    def _late_fills(self) -> tuple[str, ...]:
        return tuple(
            f"{anomaly.client_order_id}: {anomaly.detail}"
            for anomaly in self._manager.anomalies
            if anomaly.code == "fill_after_lost"
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
                ours = coid.startswith(self._settings.client_id_prefix)
                if ours and self._manager.order(coid) is None:
                    orphan_fills.add(fill.trade_id)
            if act:
                self._manager.apply_fills(fills)
        if act:
            self._since_ms = now_ms
        return len(self._store.all_events()) - before, tuple(sorted(orphan_fills))

    def _holding_gaps(self) -> tuple[HoldingGap, ...]:
        settings = self._settings
        book = ledger_of(recorded_fills(self._store.all_events()), settings.bases)
        balances = {b.asset: b.total for b in self._venue.balances()}
        gaps: list[HoldingGap] = []
        for symbol in sorted(settings.symbols):
            asset = settings.bases[symbol]
            venue_qty = balances.get(asset, Decimal(0))
            ledger_qty = book.held(symbol)
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


def _unseen(state: OrderState) -> UnseenOrder | None:
    if state.unseen_passes == 0 or state.unseen_since_ms is None:
        return None
    return UnseenOrder(
        client_order_id=state.client_order_id,
        passes=state.unseen_passes,
        since_ms=state.unseen_since_ms,
    )
