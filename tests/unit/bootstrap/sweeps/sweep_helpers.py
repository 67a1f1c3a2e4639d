"""What the sweep tests share: the bundled 4h bars, a blueprint, and the run store's ids."""

import contextlib
import io
import json
import sqlite3
from pathlib import Path

from tradekernel.adapters.data.bundled import bundled_path
from tradekernel.bootstrap.blueprints import bundled_blueprint
from tradekernel.bootstrap.cli import main

BARS = str(bundled_path("binance_BTC-USDT_4h.csv"))
CONFIG = str(bundled_blueprint("breakout_atr.toml"))
PARAMS = (
    "--param",
    "context.workers[0].period=5:30",
    "--param",
    "context.workers[1].period=7|14|21",
)


def cli(*args: str) -> tuple[int, str, str]:
    """Run the CLI in-process and return its exit code, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def recorded_runs(db: Path) -> dict[str, dict[str, object]]:
    """Return each recorded run id and its summary (plan hash, metrics)."""
    with contextlib.closing(sqlite3.connect(db)) as connection:
        rows = connection.execute("SELECT run_id, summary_json FROM runs").fetchall()
    return {run_id: json.loads(summary) for run_id, summary in rows}
