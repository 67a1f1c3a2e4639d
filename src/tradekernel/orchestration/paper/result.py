"""What a paper run produced: the backtest's result fields, plus the OMS's view."""

from collections.abc import Mapping
from decimal import Decimal

import attrs

from tradekernel.domain.orders import Fill, Order
from tradekernel.domain.trades import ClosedTrade, OpenTrade
from tradekernel.orchestration.oms.order_state import OrderState
from tradekernel.shared.bars import FloatArray, IntArray


@attrs.frozen(kw_only=True, eq=False)
class PaperResult:
    """`plan_hashes` lists every plan with a directive or an intent, like a backtest's.

    The equity arrays hold one float value per cycle, computed with the backtest's float
    expression, so a replay's curve equals a dense backtest's bit for bit.
    """

    run_id: str
    cycles: int
    stop_reason: str
    plan_hashes: tuple[tuple[int, str], ...]
    run_plan_hash: str
    orders: tuple[Order, ...]
    order_states: tuple[OrderState, ...]
    fills: tuple[Fill, ...]
    rejections: tuple[tuple[int, str, str], ...]
    # Delayed slices that fell due but were not sent: (time, client order id, why).
    dropped_slices: tuple[tuple[int, str, str], ...]
    closed_trades: tuple[ClosedTrade, ...]
    open_trades: tuple[OpenTrade, ...]
    equity_ts: IntArray
    equity: FloatArray
    cash: FloatArray
    final_equity: Decimal
    final_marks: Mapping[str, Decimal]
    fees: Decimal
    exposed_bars: int
