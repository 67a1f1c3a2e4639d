"""Import a library while some optional modules it would pick up stay unimported."""

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib.machinery import ModuleSpec
from types import ModuleType


class _Refuse:
    """A meta path finder that answers "not installed" for the names it holds back."""

    def __init__(self, names: frozenset[str]) -> None:
        self._names = names

    def find_spec(
        self, name: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if name.partition(".")[0] in self._names:
            raise ModuleNotFoundError(f"{name} is held back while importing", name=name)
        return None  # not ours: the next finder looks


@contextmanager
def absent_modules(names: tuple[str, ...]) -> Iterator[None]:
    """Make `import name` (and its submodules) fail inside the block, for names not imported yet.

    A library probing for an optional integration sees `ModuleNotFoundError`, as if the
    module were not installed. Nothing is left behind: after the block the module imports
    normally; names already imported are not affected.
    """
    refuse = _Refuse(frozenset(name for name in names if name not in sys.modules))
    sys.meta_path.insert(0, refuse)
    try:
        yield
    finally:
        sys.meta_path.remove(refuse)
