"""What a mode's market gives the cycle runner: its steps, its bars and its account.

A `Market` is the part of a mode that knows where bars come from and what the account
is: a recorded history stepped bar by bar or sparsely (`recorded_market.RecordedMarket`,
backtest and paper), or the venue's last closed bars read on the wall clock
(`live/live_market.py`). Everything else in a step (order care, the decision, the
records) is the runner's, the same in every mode.
"""

from collections.abc import Mapping
from decimal import Decimal
from typing import NamedTuple, Protocol

from tradekernel.orchestration.cycle.assembler import AccountState, SymbolCursor


class Tick(NamedTuple):
    """One step: the cycle's time (the open time of the last closed bar) and what may run.

    `care` is False for a warm-up step (its bars were seen by an earlier session) and for a
    step whose venue could not be read (`skipped` says why): order care waits then. A
    named tuple, not an attrs class: a backtest makes one per step, and a tuple is built
    in a fraction of the time (measured in the commit that made it one).
    """

    ts_ms: int
    care: bool = True
    new_bar: bool = True
    stop_new_orders: bool = False
    skipped: str | None = None


class Market(Protocol):
    """Where the bars come from and what the account is, step by step."""

    def begin(self) -> Tick | None:
        """Start the next step (feed or poll the venue, read the bars); None at the end."""
        ...

    def should_plan(self, tick: Tick) -> bool:
        """Return True if the kernel may act at this step (asked after order care ran)."""
        ...

    def cursors(self) -> Mapping[str, SymbolCursor]:
        """Return where each symbol stands at this step."""
        ...

    def valuation(self) -> tuple[AccountState, Decimal | None]:
        """Return the account the kernel sees (balances, positions, open orders) and the
        run's peak equity up to this step (drawdown threats read it), from one reading."""
        ...

    def end(self, tick: Tick, *, slices_waiting: bool) -> None:
        """Finish the step: choose the next one (recorded), record telemetry (live)."""
        ...
