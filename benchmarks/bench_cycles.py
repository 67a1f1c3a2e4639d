"""Time the cycle analyzer on a generated 500-module package (target: under 2 s).

The package is written to a temporary directory from a seeded generator: 20 sub-packages
of 25 modules, each module importing up to 6 others, mostly "downward" (to a lower-numbered
module) with a few upward imports that close cycles, so every phase (parsing, SCCs,
shortest cycles, package cycles, cut suggestions, rendering) has work to do. Each row is
best of `REPEATS` full runs: discovery, parsing, analysis and text rendering.
"""

import random
import tempfile
import time
from pathlib import Path

from tools.cycles.analysis import Report, analyze
from tools.cycles.graph import build_graph
from tools.cycles.model import EdgeKind
from tools.cycles.render import to_json, to_text

SEED = 20240501
PACKAGES = 20
MODULES_PER_PACKAGE = 25
IMPORTS_PER_MODULE = 6
UPWARD_SHARE = 0.05
REPEATS = 3


def write_package(root: Path, seed: int = SEED) -> Path:
    """Write the generated package `benchpkg` under root and return its directory."""
    rng = random.Random(seed)
    package = root / "benchpkg"
    names = [(p, m) for p in range(PACKAGES) for m in range(MODULES_PER_PACKAGE)]
    package.mkdir()
    (package / "__init__.py").write_text("")
    for p in range(PACKAGES):
        (package / f"pkg{p:02d}").mkdir()
        (package / f"pkg{p:02d}" / "__init__.py").write_text("")
    for index, (p, m) in enumerate(names):
        lines = ['"""Generated module."""', ""]
        for _ in range(rng.randint(0, IMPORTS_PER_MODULE)):
            if rng.random() < UPWARD_SHARE and index + 1 < len(names):
                target = rng.randrange(index + 1, len(names))  # upward: may close a cycle
            elif index:
                target = rng.randrange(0, index)
            else:
                continue
            tp, tm = names[target]
            lines.append(f"from benchpkg.pkg{tp:02d} import mod{tm:02d}")
        lines += ["", "", "def value() -> int:", f"    return {index}", ""]
        (package / f"pkg{p:02d}" / f"mod{m:02d}.py").write_text("\n".join(lines))
    return package


def _analyze(package: Path) -> Report:
    graph = build_graph(str(package))
    report = analyze(graph, str(package), [EdgeKind.MODULE], 2, 300, None)
    to_text(report, strict_size=False)
    to_json(report)
    return report


def run() -> list[tuple[str, str]]:
    """Return (metric, value) rows for the 500-module analysis."""
    with tempfile.TemporaryDirectory() as tmp:
        package = write_package(Path(tmp))
        best = float("inf")
        report = _analyze(package)
        for _ in range(REPEATS):
            start = time.perf_counter()
            report = _analyze(package)
            best = min(best, time.perf_counter() - start)
    return [
        (f"cycles: {report.modules - PACKAGES - 1}-module analysis", f"{best:.2f} s"),
        ("cycles: import sites parsed", str(report.import_sites)),
        ("cycles: cyclic components found", str(len(report.sccs))),
        ("cycles: modules in cycles", str(report.modules_in_cycles)),
        ("cycles: cuts suggested", str(len(report.breakers))),
    ]


if __name__ == "__main__":
    for metric, value in run():
        print(f"{metric}: {value}")
