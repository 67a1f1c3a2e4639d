"""The bundled example blueprint as text, and a helper to write edited copies of it."""

from pathlib import Path

from tradekernel.bootstrap.blueprints import bundled_blueprint

EXAMPLE_TEXT = bundled_blueprint().read_text(encoding="utf-8")


def edited(old: str, new: str, *, count: int = 1) -> str:
    """Return the example with `old` replaced by `new`; fail loudly if `old` is absent."""
    assert EXAMPLE_TEXT.count(old) >= count, f"{old!r} is not in the example blueprint"
    return EXAMPLE_TEXT.replace(old, new, count)


def write(directory: Path, text: str, name: str = "blueprint.toml") -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path
