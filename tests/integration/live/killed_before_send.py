"""Run the real `tradekernel` CLI in a process that SIGKILLs itself the moment the OMS hands
an order to the ccxt adapter: the order is stored (CREATED is durable), never sent.

`python -m tests.integration.live.killed_before_send live --config live.toml --live` (from
the repository's root). The patch lives here, in the test tree: `src/` has no test hook.
"""

import os
import signal
import sys

from tradekernel.adapters.ccxt.execution import CcxtExecution
from tradekernel.bootstrap.cli import main


def _die_before_sending(*_: object) -> None:
    # The adapter's one way to the venue (sync `submit` awaits it): nothing reaches the wire.
    os.kill(os.getpid(), signal.SIGKILL)


if __name__ == "__main__":
    CcxtExecution.submit_async = _die_before_sending  # type: ignore[method-assign,assignment]
    sys.exit(main(sys.argv[1:]))
