"""Dotted key-path overrides of a parsed blueprint (`{"context.workers[0].period": 20}`).

An override replaces one value of the parsed TOML table before it is validated, so a bad
value is refused exactly as the same value written in the file would be, with its key path.
"""

import copy
import re
from collections.abc import Mapping
from typing import Any

from tradekernel.domain.errors import ConfigError

_STEP = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*)((?:\[\d+\])*)")
_INDEX = re.compile(r"\[(\d+)\]")


def _steps(key: str, file: str) -> list[str | int]:
    """Split `a.b[0].c` into `["a", "b", 0, "c"]`."""
    steps: list[str | int] = []
    for part in key.split("."):
        match = _STEP.fullmatch(part)
        if match is None:
            raise ConfigError(
                "not a key path (write e.g. context.workers[0].period)", path=key, file=file
            )
        steps.append(match.group(1))
        steps.extend(int(index) for index in _INDEX.findall(match.group(2)))
    return steps


def _descend(node: Any, step: str | int, key: str, file: str) -> Any:
    if isinstance(step, int):
        if not isinstance(node, list) or step >= len(node):
            size = len(node) if isinstance(node, list) else 0
            raise ConfigError(f"no element [{step}] (the list has {size})", path=key, file=file)
        return node[step]
    if not isinstance(node, dict):
        raise ConfigError(f"{step!r} is not inside a table", path=key, file=file)
    # A table the file does not have yet is created, as writing the key in the file would.
    return node.setdefault(step, {})


def apply_overrides(
    data: Mapping[str, Any], overrides: Mapping[str, object], *, file: str
) -> dict[str, Any]:
    """Return a copy of the parsed table `data` with each key path set to its value.

    Raises:
        ConfigError: a malformed key path, or one that runs through a missing list
            element or a value that is not a table, naming the key path.
    """
    table = copy.deepcopy(dict(data))
    for key, value in overrides.items():
        steps = _steps(key, file)
        node: Any = table
        for step in steps[:-1]:
            node = _descend(node, step, key, file)
        last = steps[-1]
        if isinstance(last, int):
            _descend(node, last, key, file)  # refuses an index past the end
            node[last] = value
        elif isinstance(node, dict):
            node[last] = value
        else:
            raise ConfigError(f"{last!r} is not inside a table", path=key, file=file)
    return table
