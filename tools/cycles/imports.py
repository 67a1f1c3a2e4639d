"""Read the import statements of one module with `ast` and resolve them to internal modules."""

import ast
from collections.abc import Collection
from dataclasses import dataclass

from typing_extensions import override

from tools.cycles.model import EdgeKind, ImportSite


@dataclass(frozen=True, slots=True)
class RawImport:
    """An import statement before resolution: `import a.b` or `from ..a import b, c`."""

    module: str | None
    names: tuple[str, ...]
    level: int
    is_from: bool
    line: int
    kind: EdgeKind


def _type_checking_branch(test: ast.expr) -> bool | None:
    """Tell which branch of an `if` is type-checking only: True body, False orelse, None neither."""
    negated = False
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        negated, test = True, test.operand
    is_flag = (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )
    if not is_flag:
        return None
    return not negated


# The nodes that hold statements, hence possibly imports.
_STATEMENT_HOLDERS = (ast.stmt, ast.excepthandler, ast.match_case)


class _Collector(ast.NodeVisitor):
    def __init__(self) -> None:
        self.found: list[RawImport] = []
        self._functions = 0
        self._type_checking = 0

    def _kind(self) -> EdgeKind:
        if self._functions:
            return EdgeKind.FUNCTION
        if self._type_checking:
            return EdgeKind.TYPE_CHECKING
        return EdgeKind.MODULE

    @override
    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self.found.append(
                RawImport(alias.name, (), 0, is_from=False, line=node.lineno, kind=self._kind())
            )

    @override
    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        names = tuple(alias.name for alias in node.names)
        self.found.append(
            RawImport(node.module, names, node.level, True, line=node.lineno, kind=self._kind())
        )

    @override
    def generic_visit(self, node: ast.AST) -> None:
        # Imports are statements and expressions hold none: walk only the statement lists
        # (body, orelse, finalbody, handlers, match cases), a tenth of the nodes.
        for _, value in ast.iter_fields(node):
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, _STATEMENT_HOLDERS):
                        self.visit(item)

    def _visit_function(self, node: ast.AST) -> None:
        self._functions += 1
        self.generic_visit(node)
        self._functions -= 1

    @override
    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        # Decorators and defaults run at import time, but imports cannot sit in them.
        self._visit_function(node)

    @override
    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self._visit_function(node)

    def _visit_block(self, body: list[ast.stmt], type_checking: bool) -> None:
        self._type_checking += type_checking
        for statement in body:
            self.visit(statement)
        self._type_checking -= type_checking

    @override
    def visit_If(self, node: ast.If) -> None:
        branch = _type_checking_branch(node.test)
        self._visit_block(node.body, branch is True)
        self._visit_block(node.orelse, branch is False)


def collect_imports(tree: ast.Module) -> list[RawImport]:
    """Return every import statement of a parsed module, in source order."""
    collector = _Collector()
    collector.visit(tree)
    return collector.found


def _internal(dotted: str, known: Collection[str]) -> str | None:
    """Return the module `dotted` names, or its parent when the last part is an attribute.

    Only one level is dropped, as grimp does: `a.b.C` is an import of `a.b`, while
    `a.b.c.d` where neither `a.b.c.d` nor `a.b.c` is a module (a namespace directory, a
    typo) resolves to nothing rather than to some distant ancestor.
    """
    if dotted in known:
        return dotted
    parent = dotted.rpartition(".")[0]
    return parent if parent in known else None


def _absolute_base(raw: RawImport, importer: str, importer_is_package: bool) -> str | None:
    """Turn `from ..x import y` into the absolute `pkg.x`; None if it climbs above the top."""
    if raw.level == 0:
        return raw.module
    package = importer.split(".") if importer_is_package else importer.split(".")[:-1]
    up = raw.level - 1
    if up >= len(package):
        return None
    base = package[: len(package) - up]
    if raw.module:
        base = [*base, *raw.module.split(".")]
    return ".".join(base)


def resolve(
    raw: RawImport,
    importer: str,
    importer_is_package: bool,
    file: str,
    known: Collection[str],
) -> list[ImportSite]:
    """Resolve one import statement to the internal modules it imports.

    `from pkg import sub` is an edge to `pkg.sub` when that module exists, else to `pkg`;
    `import a.b.c` is an edge to `a.b.c`, or to `a.b` when `c` is not a module. External
    imports resolve to nothing.

    Args:
        raw: The statement.
        importer: Dotted name of the module holding it.
        importer_is_package: Whether the importer is a package `__init__`.
        file: Path of the importer, as shown in reports.
        known: Dotted names of every module of the analyzed package.

    Returns:
        One site per distinct imported module, sorted.
    """
    targets: set[str | None] = set()
    if not raw.is_from:
        assert raw.module is not None
        targets.add(_internal(raw.module, known))
    else:
        base = _absolute_base(raw, importer, importer_is_package)
        if base is not None:
            for name in raw.names:
                if name == "*":
                    targets.add(base if base in known else None)
                else:
                    targets.add(_internal(f"{base}.{name}", known))
    return [
        ImportSite(importer=importer, imported=t, file=file, line=raw.line, kind=raw.kind)
        for t in sorted(t for t in targets if t is not None)
    ]
