"""What a run of the cycle runner produced, in every mode."""

from collections.abc import Mapping
from decimal import Decimal

import attrs

from tradekernel.domain.orders import Fill, Order
from tradekernel.domain.ports.simulation import PerpetualStats
from tradekernel.domain.trades import ClosedTrade, OpenTrade
from tradekernel.orchestration.oms.order_state import OrderState
from tradekernel.shared.bars import FloatArray, IntArray


@attrs.frozen(kw_only=True, eq=False)
class RunResult:
    """One run's outcome. `plan_hashes` lists every plan with a directive or an intent.

    `bars` counts the timeline's bars, `cycles` the steps the runner took after its
    warm-up (every bar when dense), `kernel_calls` the plans made. The equity arrays hold
    one float per bar from the first planned one, `cash + qty * close` per held symbol in
    symbol order; `final_equity` is the venue's exact Decimal valuation at `final_marks`
    and is the one figure a report shows as the final equity. On a perpetual account the
    curve is `wallet - basis + q * mark` per bar and `cash` holds `wallet - basis`.
    """

    run_id: str
    bars: int
    cycles: int
    kernel_calls: int
    stop_reason: str
    plan_hashes: tuple[tuple[int, str], ...]
    run_plan_hash: str
    orders: tuple[Order, ...]
    order_states: tuple[OrderState, ...]
    fills: tuple[Fill, ...]
    rejections: tuple[tuple[int, str, str], ...]
    # Delayed slices that fell due but were not sent: (time, client order id, why).
    dropped_slices: tuple[tuple[int, str, str], ...]
    # Entries cancelled after `entry_timeout_ms`: (time, client order id).
    timed_out: tuple[tuple[int, str], ...]
    closed_trades: tuple[ClosedTrade, ...]
    open_trades: tuple[OpenTrade, ...]
    equity_ts: IntArray
    equity: FloatArray
    cash: FloatArray
    final_equity: Decimal
    final_marks: Mapping[str, Decimal]
    fees: Decimal
    exposed_bars: int
    # Skipped intents by reason, most frequent first (ties by reason): (reason, count).
    skipped_intents: tuple[tuple[str, int], ...] = ()
    # A perpetual account's funding, leverage and liquidations (None on spot).
    perpetual: PerpetualStats | None = None
