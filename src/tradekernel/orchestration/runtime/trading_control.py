"""The trading-state control: ACTIVE, REDUCING or HALTED, shared through a store.

`tradekernel control halt|reduce|resume` writes the store from another process; the bot
reads it once per cycle (`refresh`), so a command takes effect within one cycle.
"""

from tradekernel.domain.enums import SkipReason, TradingState
from tradekernel.domain.errors import DataError
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.ports.clock import Clock
from tradekernel.domain.ports.control_store import ControlRecord, ControlStore
from tradekernel.domain.ports.runtime import IBotRuntime


class TradingStateControl:
    def __init__(
        self,
        *,
        runtime: IBotRuntime,
        store: ControlStore,
        clock: Clock,
        bot_id: str = "default",
    ) -> None:
        self._runtime = runtime
        self._store = store
        self._clock = clock
        self._bot_id = bot_id
        self._state = TradingState.ACTIVE
        self._reason = ""

    @property
    def state(self) -> TradingState:
        return self._state

    @property
    def reason(self) -> str:
        return self._reason

    def refresh(self) -> TradingState:
        """Read the stored state (once per cycle) and return it.

        An unreadable record halts trading: when the operator's intent is unknown,
        sending orders is the unsafe choice.
        """
        try:
            record = self._store.read(self._bot_id)
        except DataError as error:
            self._state, self._reason = TradingState.HALTED, f"unreadable control: {error}"
            return self._state
        if record is not None:
            self._state, self._reason = record.state, record.reason
        return self._state

    def set(self, state: TradingState, reason: str, *, source: str = "bot") -> ControlRecord:
        """Persist a new trading state and apply it at once.

        Raises:
            RuntimeError: the bot is stopped (the CLI writes the store directly instead).
        """
        if not self._runtime.is_running:
            raise RuntimeError("the trading state of a stopped bot is set through the store")
        record = ControlRecord(
            bot_id=self._bot_id,
            state=state,
            reason=reason,
            updated_ms=self._clock.now_ms(),
            source=source,
        )
        self._store.write(record)
        self._state, self._reason = state, reason
        return record

    def permits(self, intent: ExecutionIntent) -> SkipReason | None:
        """Return why the current state forbids the intent, or None if it may be sent."""
        if self._state is TradingState.HALTED:
            return SkipReason.TRADING_HALTED
        if self._state is TradingState.REDUCING and not intent.reduce_only:
            return SkipReason.REDUCE_ONLY_STATE
        return None

    def permits_cancel(self) -> bool:
        """Return True if cancels may be sent (ACTIVE and REDUCING; HALTED sends nothing)."""
        return self._state is not TradingState.HALTED
