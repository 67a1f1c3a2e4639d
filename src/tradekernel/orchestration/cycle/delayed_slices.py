"""The later slices of a plan (TWAP), held until their time in every mode.

An intent with `delay_ms > 0` is due `delay_ms` after the cycle that planned it; order care
(`cycle/order_care.py`) sends it at the first cycle at or after that time, in the order it
was planned, in the backtest, paper and live alike (times are bar times). A due slice is
checked again (`refusal`): an entry slice whose symbol is backing off after a rejection,
or a slice the trading state or the stop-new-orders switch no longer permits, is dropped
and reported, not sent; a closing or reducing slice is never held back by a backoff. The
queue is in memory: after a restart, a plan's unsent slices are not sent (their time has
passed, or the restart makes them stale), and `unsent_slices` names them from the
recorded plans.
"""

import json
from collections.abc import Callable, Iterable, Mapping
from typing import Protocol

from tradekernel.domain.enums import CloseSemantics, SkipReason
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.ports.journal import JournalEntry


class PermitsIntents(Protocol):
    def permits(self, intent: ExecutionIntent) -> SkipReason | None: ...


class DelayedSlices:
    """Intents waiting for their due time, kept in planning order."""

    def __init__(self) -> None:
        self._held: list[tuple[int, ExecutionIntent]] = []

    def __len__(self) -> int:
        return len(self._held)

    def hold(self, intent: ExecutionIntent, planned_ms: int) -> None:
        """Keep `intent` until `planned_ms + intent.delay_ms`."""
        self._held.append((planned_ms + intent.delay_ms, intent))

    def take_due(self, now_ms: int) -> list[ExecutionIntent]:
        """Remove and return the intents due by `now_ms`, in the order they were held."""
        due = [intent for due_ms, intent in self._held if due_ms <= now_ms]
        if due:
            self._held = [(t, i) for t, i in self._held if t > now_ms]
        return due


def refusal(
    intent: ExecutionIntent,
    now_ms: int,
    cooling: Mapping[str, int],
    control: PermitsIntents | None,
    *,
    stop_new_orders: bool = False,
) -> str | None:
    """Return why a due slice must not be sent now, or None to send it.

    `cooling`: each backing-off symbol's cooldown end; `control`: the trading state;
    `stop_new_orders`: the operator's switch, which stops every slice but reductions.
    """
    until = cooling.get(intent.symbol)
    if until is not None and now_ms < until and intent.close_semantics is CloseSemantics.OPEN:
        # A cooldown holds back entries only: it never keeps the bot in a position.
        return f"rejection backoff until {until}"
    state = control.permits(intent) if control is not None else None
    if state is not None:
        return f"trading state: {state.value}"
    if stop_new_orders and not intent.reduce_only:
        return "the stop-new-orders switch is on"
    return None


def unsent_slices(
    plans: Iterable[JournalEntry], sent: Callable[[str], bool]
) -> list[tuple[int, str]]:
    """Return `(cycle, client order id)` of each recorded delayed slice never sent.

    `plans`: recorded plans (canonical JSON); `sent`: whether the order store knows a
    client order id. A plan that is not the documented JSON is skipped: it names no slice.
    """
    found: list[tuple[int, str]] = []
    for entry in plans:
        try:
            intents = json.loads(entry.plan_json).get("intents", [])
        except (ValueError, AttributeError):
            continue
        for intent in intents if isinstance(intents, list) else ():
            if not isinstance(intent, dict) or intent.get("skipped"):
                continue
            client_id, delay = intent.get("client_order_id"), intent.get("delay_ms")
            if not isinstance(client_id, str) or not isinstance(delay, int) or delay <= 0:
                continue
            if not sent(client_id):
                found.append((entry.cycle_ts_ms, client_id))
    return found
