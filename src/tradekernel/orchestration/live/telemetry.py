"""Live telemetry: orders, fills, equity, PnL and slippage against the plan's reference."""

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from decimal import Decimal

from tradekernel.domain.account import Balance, Position
from tradekernel.domain.enums import Side
from tradekernel.domain.market import MarkPrice
from tradekernel.domain.orders import Fill, Order
from tradekernel.domain.ports.journal import EquityPoint, Journal
from tradekernel.orchestration.live.order_notices import NoticeKind, OrderNotice
from tradekernel.orchestration.oms.order_state import OrderState
from tradekernel.orchestration.runtime.equity import EquityCalculator

_BPS = Decimal(10_000)


def slippage_bps(side: Side, price: Decimal, reference: Decimal) -> Decimal:
    """Return how much worse than `reference` a fill was, in basis points (negative: better)."""
    if reference <= 0:
        raise ValueError(f"reference price must be positive, got {reference}")
    signed = (price - reference) if side is Side.BUY else (reference - price)
    return signed / reference * _BPS


def as_order(state: OrderState) -> Order:
    spec = state.spec
    return Order(
        client_order_id=spec.client_order_id,
        symbol=spec.symbol,
        side=spec.side,
        order_type=spec.order_type,
        quantity=spec.quantity,
        price=spec.price,
        stop_price=spec.stop_price,
        status=state.status,
        filled_quantity=state.filled_quantity,
        average_fill_price=state.average_price,
        venue_order_id=state.venue_order_id,
        created_ms=state.created_ms,
        updated_ms=state.updated_ms,
        reduce_only=spec.reduce_only,
    )


class LiveTelemetry:
    """Write what changed since the last call to the journal and keep the run's totals."""

    def __init__(self, *, journal: Journal, run_id: str, quote: str) -> None:
        self._journal = journal
        self._run_id = run_id
        self._calculator = EquityCalculator(quote)
        self._order_seq: dict[str, int] = {}
        self._fills: set[tuple[str, str]] = set()
        self._references: dict[str, Decimal] = {}
        self.slippages: list[tuple[str, Decimal]] = []
        self.first_equity: Decimal | None = None
        self.last_equity: Decimal | None = None
        self._notices: Counter[NoticeKind] = Counter()

    def count_notices(self, notices: Iterable[OrderNotice]) -> None:
        """Add operator notices (retries, ambiguous submits, lost orders...) to the totals."""
        self._notices.update(notice.kind for notice in notices)

    @property
    def notice_counts(self) -> dict[str, int]:
        """Return the session's notices counted by kind (every kind, 0 if none)."""
        return {kind.value: self._notices[kind] for kind in NoticeKind}

    def expect(self, client_order_id: str, reference_price: Decimal | None) -> None:
        """Remember the plan's reference price of an order, for the slippage of its fills."""
        if reference_price is not None and reference_price > 0:
            self._references[client_order_id] = reference_price

    def record_orders(self, states: Iterable[OrderState]) -> int:
        written = 0
        for state in states:
            if self._order_seq.get(state.client_order_id) == state.last_sequence:
                continue
            self._order_seq[state.client_order_id] = state.last_sequence
            self._journal.record_order(self._run_id, as_order(state))
            written += 1
        return written

    def record_fills(self, fills: Iterable[Fill]) -> int:
        written = 0
        for fill in fills:
            key = (fill.client_order_id, fill.trade_id)
            if key in self._fills:
                continue
            self._fills.add(key)
            self._journal.record_fill(self._run_id, fill)
            reference = self._references.get(fill.client_order_id)
            if reference is not None:
                self.slippages.append(
                    (fill.trade_id, slippage_bps(fill.side, fill.price, reference))
                )
            written += 1
        return written

    def record_equity(
        self,
        *,
        ts_ms: int,
        balances: Iterable[Balance],
        positions: Iterable[Position],
        marks: Mapping[str, MarkPrice],
    ) -> Decimal:
        snapshot = self._calculator.snapshot(
            ts_ms=ts_ms, balances=balances, positions=positions, marks=marks
        )
        if self.first_equity is None:
            self.first_equity = snapshot.equity
        self.last_equity = snapshot.equity
        self._journal.record_equity(
            self._run_id, [EquityPoint(ts_ms=ts_ms, equity=snapshot.equity, cash=snapshot.cash)]
        )
        return snapshot.equity

    def summary(self, realized_pnl: Decimal) -> dict[str, str | int | dict[str, int] | None]:
        pnl = None
        if self.first_equity is not None and self.last_equity is not None:
            pnl = str(self.last_equity - self.first_equity)
        values = [value for _, value in self.slippages]
        mean = sum(values, Decimal(0)) / len(values) if values else None
        return {
            "equity": None if self.last_equity is None else str(self.last_equity),
            "pnl": pnl,
            "realized_pnl": str(realized_pnl),
            "fills": len(self._fills),
            "slippage_fills": len(values),
            "mean_slippage_bps": None if mean is None else f"{mean:.4f}",
            "order_events": self.notice_counts,
        }

    def summary_json(self, realized_pnl: Decimal) -> str:
        return json.dumps(self.summary(realized_pnl), sort_keys=True)
