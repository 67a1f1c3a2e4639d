"""SIGINT/SIGTERM as graceful stop requests: the cycle in flight finishes, state persists.

The first signal only calls `request_stop(reason)`, which sets a flag the lifecycle checks
between cycles; it never raises into the running cycle (a KeyboardInterrupt halfway
through submitting a plan is exactly what a graceful stop must avoid). A second signal is
the operator insisting: it raises KeyboardInterrupt at once (the CLI exits 130).
"""

import signal
from collections.abc import Callable, Iterable
from types import FrameType
from typing import Protocol

STOP_SIGNALS: tuple[signal.Signals, ...] = (signal.SIGINT, signal.SIGTERM)

Handler = Callable[[int, FrameType | None], object] | int | None


class StopRequester(Protocol):
    """What the handlers call: `runtime.lifecycle.Lifecycle` satisfies it."""

    def request_stop(self, reason: str) -> None: ...


def install_stop_handlers(
    target: StopRequester, signals: Iterable[signal.Signals] = STOP_SIGNALS
) -> Callable[[], None]:
    """Point each signal at `target.request_stop` and return a function restoring the old ones.

    The first signal asks for a graceful stop; a second one raises KeyboardInterrupt.

    Call from the main thread (Python delivers signals there only).

    Raises:
        ValueError: when called from another thread (raised by `signal.signal`).
    """
    previous: dict[signal.Signals, Handler] = {}
    received: list[int] = []

    def handle(number: int, _frame: FrameType | None) -> None:
        received.append(number)
        if len(received) > 1:
            raise KeyboardInterrupt(f"second stop signal ({signal.Signals(number).name})")
        target.request_stop(f"signal {signal.Signals(number).name}")

    for chosen in signals:
        previous[chosen] = signal.signal(chosen, handle)

    def restore() -> None:
        for chosen, handler in previous.items():
            signal.signal(chosen, handler if handler is not None else signal.SIG_DFL)

    return restore
