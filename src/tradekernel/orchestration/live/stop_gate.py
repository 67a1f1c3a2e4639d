"""The trading-state control as order care sees it while the bot stops.

Once a graceful stop is asked (SIGTERM, SIGINT) the cycle in flight runs to its end, but
no new submit starts: every intent it still wanted to send is dropped with the halted
state's reason. Cancels stay as the trading state allows them.
"""

from collections.abc import Callable

from tradekernel.domain.enums import SkipReason
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.orchestration.runtime.trading_control import TradingStateControl


class StopGate:
    """Order care's control: the trading state's answer, or no submit once stopping."""

    def __init__(self, control: TradingStateControl, stopping: Callable[[], bool]) -> None:
        self._control = control
        self._stopping = stopping

    def permits(self, intent: ExecutionIntent) -> SkipReason | None:
        """Return why the intent may not be sent now, or None."""
        if self._stopping():
            return SkipReason.TRADING_HALTED
        return self._control.permits(intent)

    def permits_cancel(self) -> bool:
        """Return True if cancels may be sent (the trading state decides)."""
        return self._control.permits_cancel()
