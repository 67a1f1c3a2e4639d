"""Building the CLI parser imports no command implementation (issue: `--help` under 0.3 s),
and a spot backtest imports no module only another kind of run uses (issue #16).

The speed itself is measured by `benchmarks/bench_startup.py`, not asserted here (tests
carry no timing assertions); these tests pin its cause: what `--help` has to import.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

# Heavy modules only a command's handler may load: the exchange client, the container's
# dependency injector, the SQLite driver and numpy.
HANDLER_ONLY_MODULES = ("ccxt", "dependency_injector", "sqlite3", "numpy")

_PROBE = """
import json, sys
import tradekernel.bootstrap.cli as cli
cli.build_parser()
print(json.dumps(sorted(m for m in {modules!r} if m in sys.modules)))
"""


def test_building_the_parser_imports_none_of_the_handler_only_modules() -> None:
    probe = _PROBE.format(modules=HANDLER_ONLY_MODULES)
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == []


def test_the_probe_sees_a_module_a_handler_loads() -> None:
    # The probe above must be able to fail: after a handler's imports the modules show up.
    probe = _PROBE.format(modules=HANDLER_ONLY_MODULES).replace(
        "cli.build_parser()", "cli.build_parser(); import tradekernel.bootstrap.live_job"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert "ccxt" in json.loads(done.stdout)


# Modules a spot backtest on a CSV file never uses, imported only where their feature is:
# the holistic allocation's portfolio planner, the perpetual venue and its funding and mark
# readers, the bar store, the HTML report page and the sparse-loop check (issue #16).
SPOT_RUN_UNUSED_MODULES = (
    "tradekernel.orchestration.holistic.allocator",
    "tradekernel.features.portfolio.planner",
    "tradekernel.adapters.config.portfolio_loader",
    "tradekernel.adapters.backtest.perpetual_venue",
    "tradekernel.bootstrap.perpetual_sources",
    "tradekernel.adapters.data.bar_store",
    "tradekernel.adapters.reports.report_html",
    "tradekernel.bootstrap.sparse_verify",
)

_RUN_PROBE = """
import contextlib, io, json, sys
from tradekernel.bootstrap.cli import main
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    code = main({argv!r})
print(json.dumps([code, sorted(m for m in {modules!r} if m in sys.modules)]))
"""

# The bundled example on two months of its hourly bars: a spot run on a CSV file.
_SHORT_SPOT_RUN = ["backtest", "--quiet", "--start", "2018-01-01", "--end", "2018-03-01"]


def _imported_by_run(argv: list[str], tmp_path: Path) -> tuple[int, list[str]]:
    probe = _RUN_PROBE.format(argv=argv, modules=SPOT_RUN_UNUSED_MODULES)
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    code, modules = json.loads(done.stdout)
    return code, modules


def test_a_spot_backtest_on_a_csv_file_imports_none_of_the_modules_it_does_not_use(
    tmp_path: Path,
) -> None:
    assert _imported_by_run(_SHORT_SPOT_RUN, tmp_path) == (0, [])


def test_the_run_probe_sees_a_deferred_module_once_its_feature_is_used(tmp_path: Path) -> None:
    # The probe above must be able to fail: --verify-sparse loads the sparse-loop check.
    code, modules = _imported_by_run([*_SHORT_SPOT_RUN, "--verify-sparse"], tmp_path)
    assert code == 0
    assert "tradekernel.bootstrap.sparse_verify" in modules


@pytest.mark.parametrize("option", ["--help", "--version"])
def test_help_and_version_exit_0(option: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tradekernel.bootstrap.cli", option],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: tradekernel" if option == "--help" else "tradekernel ")
