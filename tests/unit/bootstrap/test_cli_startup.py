"""Building the CLI parser imports no command implementation (issue: `--help` under 0.3 s).

The speed itself is measured by `benchmarks/bench_startup.py`, not asserted here (tests
carry no timing assertions); these tests pin its cause: what `--help` has to import.
"""

import json
import subprocess
import sys

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
