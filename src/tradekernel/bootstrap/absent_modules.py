"""Import a library while some optional modules it would pick up stay unimported."""

import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def absent_modules(names: tuple[str, ...]) -> Iterator[None]:
    """Make `import name` fail inside the block for each name not imported yet.

    A `None` in `sys.modules` makes an import of that name (and of its submodules) raise
    `ModuleNotFoundError`, which a library probing for an optional integration treats as
    "not installed". The entries are removed on exit, so a later import loads the module
    normally; names already imported are left alone.
    """
    blocked = [name for name in names if name not in sys.modules]
    for name in blocked:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        yield
    finally:
        for name in blocked:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]
