"""The kernel's input: everything known at one cycle, supplied by the caller.

`PlanningContext` is generic in the bar-history type so the domain stays free of numpy:
the kernel binds it to `tradekernel.shared.bars.BarSeries`.
"""

from collections.abc import Mapping
from decimal import Decimal
from typing import Generic, TypeVar

import attrs

from tradekernel.domain.account import Balance, Position
from tradekernel.domain.enums import TradingState
from tradekernel.domain.market import MarkPrice, SymbolRules
from tradekernel.domain.orders import OpenOrderView

H_co = TypeVar("H_co", covariant=True)

# The first letters of every client order id the bot makes; a live config may set its own
# per bot (`client_id_prefix`), so two bots on one account can tell their orders apart.
DEFAULT_CLIENT_ID_PREFIX = "tk"


@attrs.frozen(kw_only=True)
class PlanningContext(Generic[H_co]):
    """Market and account state at `now_ms` (the open time of the bar that just closed).

    Mappings are keyed by symbol (balances by asset); the kernel never depends on their
    iteration order.
    """

    run_id: str
    now_ms: int
    symbols: tuple[str, ...]
    history: Mapping[str, H_co]
    rules: Mapping[str, SymbolRules] = attrs.Factory(dict)
    marks: Mapping[str, MarkPrice] = attrs.Factory(dict)
    balances: Mapping[str, Balance] = attrs.Factory(dict)
    positions: Mapping[str, Position] = attrs.Factory(dict)
    open_orders: tuple[OpenOrderView, ...] = ()
    trading_state: TradingState = TradingState.ACTIVE
    stop_new_orders: bool = False
    backoff_until_ms: Mapping[str, int] = attrs.Factory(dict)
    peak_equity: Decimal | None = None
    client_id_prefix: str = DEFAULT_CLIENT_ID_PREFIX

    def free(self, asset: str) -> Decimal:
        balance = self.balances.get(asset)
        return balance.free if balance is not None else Decimal(0)
