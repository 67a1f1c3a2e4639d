"""Only the composition root opens databases and constructs adapters.

`bootstrap/container.py` (with its provider functions in `bootstrap/factories.py`) builds
every adapter; the jobs and commands take them already built. A job that opened SQLite or
built a venue itself would be a second composition root, invisible to container overrides.
"""

import re
from pathlib import Path

BOOTSTRAP = Path(__file__).resolve().parents[2] / "src" / "tradekernel" / "bootstrap"
ROOT = {"container.py", "factories.py"}
# Opening the database, naming a SQLite adapter, or calling an adapter's constructor.
COMPOSITION = re.compile(
    r"connect\(|Sqlite|BacktestVenue\(|PaperExecution\(|CcxtExecution\(|CcxtMarketData\("
)


def test_no_bootstrap_module_but_the_root_opens_a_database_or_builds_an_adapter() -> None:
    found = [
        f"{path.relative_to(BOOTSTRAP)}:{number}: {line.strip()}"
        for path in sorted(BOOTSTRAP.rglob("*.py"))
        if path.name not in ROOT or path.parent != BOOTSTRAP
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if COMPOSITION.search(line)
    ]
    assert found == []


def test_the_provider_functions_are_imported_by_the_container_alone() -> None:
    importers = sorted(
        str(path.relative_to(BOOTSTRAP))
        for path in BOOTSTRAP.rglob("*.py")
        if "bootstrap import factories" in path.read_text(encoding="utf-8")
        or "bootstrap.factories import" in path.read_text(encoding="utf-8")
    )
    assert importers == ["container.py"]
