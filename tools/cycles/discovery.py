"""Find the modules of a package directory, and the directories import analysis cannot see."""

import fnmatch
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from tools.cycles.model import InputError, OrphanDir

INIT = "__init__.py"


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A `.py` file that belongs to the package, with its dotted module name."""

    name: str
    path: Path
    display: str
    is_package: bool


@dataclass(frozen=True, slots=True)
class PackageTree:
    """The files of a package directory, sorted by module name."""

    root_name: str
    files: tuple[SourceFile, ...]
    orphan_dirs: tuple[OrphanDir, ...]


def _dotted_root(package_dir: Path) -> str:
    """Name the package, climbing parents that are packages too (`src/pkg/sub` -> `pkg.sub`)."""
    parts = [package_dir.name]
    parent = package_dir.parent
    while (parent / INIT).is_file() and parent != parent.parent:
        parts.append(parent.name)
        parent = parent.parent
    return ".".join(reversed(parts))


def _excluded(rel: PurePosixPath, patterns: Sequence[str]) -> bool:
    text = rel.as_posix()
    return any(fnmatch.fnmatch(text, p) or fnmatch.fnmatch(rel.name, p) for p in patterns)


def discover(package_dir: str, exclude: Sequence[str] = ()) -> PackageTree:
    """List the modules of `package_dir` and its orphan directories.

    Args:
        package_dir: A directory holding an `__init__.py`.
        exclude: Glob patterns matched against paths relative to `package_dir` and base names.

    Returns:
        The package's source files and orphan directories, both sorted.

    Raises:
        InputError: If the directory does not exist or is not a package.
    """
    root = Path(package_dir)
    if not root.exists():
        raise InputError(f"no such directory: {package_dir}")
    if not root.is_dir():
        raise InputError(f"not a directory: {package_dir}")
    if not (root / INIT).is_file():
        raise InputError(f"not a package: {package_dir} has no {INIT}")
    root_name = _dotted_root(root.resolve())
    display_root = PurePosixPath(Path(package_dir).as_posix().rstrip("/") or "/")
    files: list[SourceFile] = []
    orphans: list[OrphanDir] = []
    # dotted name of each directory that is importable as a regular package
    importable: dict[Path, str] = {root: root_name}
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        rel_dir = PurePosixPath(here.relative_to(root).as_posix())
        dirnames[:] = sorted(
            d
            for d in dirnames
            if d != "__pycache__" and not d.startswith(".") and not _excluded(rel_dir / d, exclude)
        )
        py_files = sorted(
            f for f in filenames if f.endswith(".py") and not _excluded(rel_dir / f, exclude)
        )
        if here != root:
            parent_name = importable.get(here.parent)
            if parent_name is not None and here.name.isidentifier() and INIT in py_files:
                importable[here] = f"{parent_name}.{here.name}"
        package_name = importable.get(here)
        if package_name is None:
            if py_files:
                orphans.append(
                    OrphanDir(path=str(display_root / rel_dir), python_files=len(py_files))
                )
            continue
        for filename in py_files:
            stem = filename[:-3]
            if filename == INIT:
                name, is_package = package_name, True
            elif stem.isidentifier():
                name, is_package = f"{package_name}.{stem}", False
            else:
                continue  # not importable under any name
            files.append(
                SourceFile(
                    name=name,
                    path=here / filename,
                    display=str(display_root / rel_dir / filename),
                    is_package=is_package,
                )
            )
    files.sort(key=lambda f: f.name)
    orphans.sort()
    return PackageTree(root_name=root_name, files=tuple(files), orphan_dirs=tuple(orphans))
