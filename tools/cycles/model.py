"""Value types shared by the cycle analyzer: modules, import sites and edge kinds."""

import enum
from dataclasses import dataclass


class InputError(Exception):
    """Bad input the user can fix (missing directory, not a package, unreadable file)."""


class EdgeKind(enum.StrEnum):
    """Where an import statement sits, which decides whether it runs at import time."""

    MODULE = "module"
    TYPE_CHECKING = "type_checking"
    FUNCTION = "function"


# Strongest first: an edge with a module-level site is a module-level edge.
KIND_ORDER: dict[EdgeKind, int] = {
    EdgeKind.MODULE: 0,
    EdgeKind.TYPE_CHECKING: 1,
    EdgeKind.FUNCTION: 2,
}


@dataclass(frozen=True, slots=True)
class Module:
    """One importable module of the analyzed package."""

    name: str
    file: str
    is_package: bool
    lines: int


@dataclass(frozen=True, slots=True, order=True)
class ImportSite:
    """One import statement resolved to an internal module."""

    importer: str
    imported: str
    file: str
    line: int
    kind: EdgeKind


@dataclass(frozen=True, slots=True, order=True)
class OrphanDir:
    """A directory holding `.py` files that no import analysis can see."""

    path: str
    python_files: int
