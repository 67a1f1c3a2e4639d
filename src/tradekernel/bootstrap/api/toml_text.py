"""Write a parsed TOML table back as TOML text (the recorded config of an overridden run).

A run records its config text, and a replay rebuilds the blueprint from it; a run with
overrides records this rendering of the overridden table, which parses back to that table.
"""

import datetime as dt
import math
import re
from collections.abc import Mapping
from typing import Any

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


_SHORT_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


def _string(text: str) -> str:
    """Return a TOML basic string: quotes, backslashes and control characters escaped."""
    parts = []
    for char in text:
        if char in _SHORT_ESCAPES:
            parts.append(_SHORT_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            parts.append(f"\\u{ord(char):04x}")
        else:
            parts.append(char)
    return '"' + "".join(parts) + '"'


def _key(name: str) -> str:
    return name if _BARE_KEY.fullmatch(name) else _string(name)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    return _string(str(value))


def _is_table_array(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, Mapping) for v in value)


def _write(lines: list[str], path: tuple[str, ...], table: Mapping[str, Any], array: bool) -> None:
    nested = {k: v for k, v in table.items() if isinstance(v, Mapping) or _is_table_array(v)}
    if path:
        name = ".".join(_key(part) for part in path)
        lines.append(f"[[{name}]]" if array else f"[{name}]")
    lines.extend(f"{_key(k)} = {_value(v)}" for k, v in table.items() if k not in nested)
    for key, value in nested.items():
        items = value if isinstance(value, list) else [value]
        for item in items:
            if path or lines:
                lines.append("")
            _write(lines, (*path, key), item, isinstance(value, list))


def toml_text(table: Mapping[str, Any]) -> str:
    """Return TOML text that `tomllib.loads` parses back to `table`."""
    lines: list[str] = []
    _write(lines, (), table, False)
    return "\n".join(lines) + "\n"
