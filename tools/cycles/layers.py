"""The layer order, read from the first `layers` contract of an import-linter TOML file."""

import tomllib
from dataclasses import dataclass
from pathlib import Path

from tools.cycles.model import InputError

DEFAULT_CONTRACTS = Path("contracts/importlinter.toml")


@dataclass(frozen=True, slots=True)
class LayerOrder:
    """Layers from highest (index 0) to lowest, each a set of dotted module prefixes."""

    source: str
    layers: tuple[tuple[str, ...], ...]

    def rank(self, module: str) -> int | None:
        """Return the layer height of a module (0 is the lowest), or None when it is in none."""
        for position, members in enumerate(self.layers):
            for prefix in members:
                if module == prefix or module.startswith(prefix + "."):
                    return len(self.layers) - 1 - position
        return None

    def name(self, module: str) -> str | None:
        """Return the layer entry a module belongs to, as written in the contract."""
        for members in self.layers:
            for prefix in members:
                if module == prefix or module.startswith(prefix + "."):
                    return " | ".join(members)
        return None


def _layer_names(entry: object, where: str) -> list[str]:
    if not isinstance(entry, str):
        raise InputError(f"{where}: expected a string, got {type(entry).__name__}")
    names: list[str] = []
    for part in entry.replace(":", "|").split("|"):
        name = part.strip().strip("()").strip()
        if name:
            names.append(name)
    return names


def load_layers(path: Path) -> LayerOrder | None:
    """Read the first `layers` contract of an import-linter TOML file.

    Args:
        path: A TOML file with `[[tool.importlinter.contracts]]` tables.

    Returns:
        The layer order with container names prefixed, or None when there is no layers contract.

    Raises:
        InputError: If the file cannot be read or its layers contract is malformed.
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read contracts file {path}: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise InputError(f"invalid TOML in contracts file {path}: {error}") from None
    contracts = data.get("tool", {}).get("importlinter", {}).get("contracts", [])
    if not isinstance(contracts, list):
        raise InputError(f"{path}: tool.importlinter.contracts must be an array of tables")
    for number, contract in enumerate(contracts):
        if not isinstance(contract, dict) or contract.get("type") != "layers":
            continue
        where = f"{path}: tool.importlinter.contracts[{number}]"
        entries = contract.get("layers")
        if not isinstance(entries, list) or not entries:
            raise InputError(f"{where}.layers: expected a non-empty array of strings")
        containers = contract.get("containers", [""])
        if not isinstance(containers, list) or not all(isinstance(c, str) for c in containers):
            raise InputError(f"{where}.containers: expected an array of strings")
        layers = tuple(
            tuple(
                f"{container}.{name}" if container else name
                for container in containers
                for name in _layer_names(entry, f"{where}.layers[{position}]")
            )
            for position, entry in enumerate(entries)
        )
        return LayerOrder(source=str(path), layers=layers)
    return None
