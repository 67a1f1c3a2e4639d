"""What the intent builder needs to know about the account and the market at this cycle."""

from collections.abc import Mapping
from decimal import Decimal

import msgspec

from tradekernel.domain.account import Position
from tradekernel.domain.context import DEFAULT_CLIENT_ID_PREFIX
from tradekernel.domain.enums import TradingState
from tradekernel.domain.market import SymbolRules
from tradekernel.domain.orders import OpenOrderView


class IntentInputs(msgspec.Struct, frozen=True, kw_only=True):
    """The account, market and controls of one cycle, as the gates read them.

    A frozen msgspec Struct: one per kernel call, built in C (docs/architecture.md, "Hot
    value objects").

    `equity` (wallet plus unrealised PnL) is set on a perpetual account only, for the
    leverage gate.
    """

    run_id: str
    cycle_ts_ms: int
    universe: frozenset[str]
    rules: Mapping[str, SymbolRules]
    marks: Mapping[str, Decimal]
    positions: Mapping[str, Position]
    open_orders: tuple[OpenOrderView, ...]
    free_balances: Mapping[str, Decimal]
    trading_state: TradingState = TradingState.ACTIVE
    stop_new_orders: bool = False
    backoff_until_ms: Mapping[str, int] = msgspec.field(default_factory=dict)
    client_id_prefix: str = DEFAULT_CLIENT_ID_PREFIX
    equity: Decimal | None = None
