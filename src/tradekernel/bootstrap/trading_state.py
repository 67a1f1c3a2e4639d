"""Setting a bot's trading state: the one write path of `control` and of the API."""

from tradekernel.domain.enums import TradingState
from tradekernel.domain.ports.control_store import ControlRecord, ControlStore


def set_trading_state(
    store: ControlStore, *, bot_id: str, state: TradingState, reason: str, source: str, now_ms: int
) -> ControlRecord:
    """Record a bot's new trading state with who set it and why, and return the record.

    The one write path of `tradekernel control` and of the API's halt, reduce and resume.
    """
    record = ControlRecord(
        bot_id=bot_id, state=state, reason=reason, updated_ms=now_ms, source=source
    )
    store.write(record)
    return record
