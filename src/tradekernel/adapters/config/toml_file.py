"""Reading a TOML config file: its text (for hashing and replay) and its parsed table."""

import tomllib
from pathlib import Path
from typing import Any

from tradekernel.domain.errors import ConfigError


def read_toml(path: Path) -> tuple[str, dict[str, Any]]:
    """Return the text and parsed table of a TOML file. Raises ConfigError with the line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"cannot read config file: {error.strerror}", file=str(path)) from None
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"invalid TOML: {error}", file=str(path)) from None
