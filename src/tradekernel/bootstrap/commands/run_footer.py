"""The lines a recorded run (backtest, paper) prints about its data and its records."""

import shlex
from collections.abc import Sequence
from pathlib import Path

from tradekernel.adapters.data.report import LoadedBars
from tradekernel.bootstrap.commands.common import DEFAULT_DB, resample_note
from tradekernel.orchestration.cycle.result import RunResult
from tradekernel.shared.utc_time import utc_text


def data_lines(data: Sequence[LoadedBars]) -> list[str]:
    """Return one line per symbol: bars, file, period in ISO UTC and gaps."""
    lines = []
    for loaded in data:
        report = loaded.report
        gaps = (
            "no gaps"
            if report.is_contiguous
            else f"{report.missing_bars} missing bars in {report.gap_runs} gaps (not filled)"
        )
        lines.append(
            f"data     {loaded.series.symbol}: {report.rows} bars from {report.file}, "
            f"{utc_text(report.first_ts_ms)} .. {utc_text(report.last_ts_ms)}, {gaps}"
            f"{resample_note(loaded)}"
        )
    return lines


def example_order_id(result: RunResult) -> str | None:
    """Return a client order id the run recorded: the first trade's entry, else any order."""
    for trade in result.closed_trades + tuple(result.open_trades):
        if trade.entry_order_id:
            return trade.entry_order_id
    if result.fills:
        return result.fills[0].client_order_id
    if result.orders:
        return result.orders[0].client_order_id
    return None


def records_lines(result: RunResult, db_path: Path) -> list[str]:
    """Return where the run is recorded and a working `explain` command for one of its orders."""
    order_id = example_order_id(result)
    if order_id is None:
        return [f"records  {db_path} (no order was placed: nothing to explain)"]
    db = "" if db_path == DEFAULT_DB else f" --db {shlex.quote(str(db_path))}"
    return [
        f"records  {db_path}",
        f"explain  tradekernel explain {order_id}{db}",
    ]
