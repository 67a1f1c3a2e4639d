"""The cyclic garbage collector's settings for a long run (backtest, paper, live, replay).

Planning allocates many small, short-lived and acyclic objects (DTOs, Decimals), which
reference counting frees at once; the cyclic collector only adds passes over them and
over every long-lived object of the process (modules, ccxt's exchange classes, bar
series). For the length of a command we freeze what exists at its start (it is never
traversed again) and collect the young generation less often. Both are restored after,
so a process that runs several commands (the test suite) keeps the defaults in between.
"""

import contextlib
import gc
from collections.abc import Iterator

# Young-generation allocations between collections (CPython's default is 700).
LONG_RUN_THRESHOLD = 50_000


@contextlib.contextmanager
def long_run_gc(threshold: int = LONG_RUN_THRESHOLD) -> Iterator[None]:
    """Run the body with startup objects frozen and a higher young-generation threshold."""
    previous = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(threshold, *previous[1:])
    try:
        yield
    finally:
        gc.set_threshold(*previous)
        gc.unfreeze()
