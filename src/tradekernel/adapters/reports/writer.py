"""Writing a run's report files into its output directory."""

from collections.abc import Sequence
from pathlib import Path

import attrs

from tradekernel.adapters.reports.equity_curve import EquityCurve
from tradekernel.adapters.reports.metrics import Metrics
from tradekernel.adapters.reports.report_html import write_report_html
from tradekernel.adapters.reports.run_identity import RunIdentity
from tradekernel.adapters.reports.summary_json import write_summary_json
from tradekernel.adapters.reports.trades_csv import write_trades_csv
from tradekernel.domain.errors import ConfigError
from tradekernel.domain.trades import ClosedTrade


@attrs.frozen(kw_only=True)
class ReportPaths:
    trades_csv: Path
    summary_json: Path
    report_html: Path


def write_outputs(
    out_dir: Path,
    *,
    identity: RunIdentity,
    metrics: Metrics,
    curve: EquityCurve,
    trades: Sequence[ClosedTrade],
) -> ReportPaths:
    """Create `out_dir` (and its parents) and write trades.csv, summary.json, report.html.

    Existing files of the same names are replaced.

    Raises:
        ConfigError: if the directory cannot be created or a file cannot be written; the
            message names the path (`--out`).
    """
    paths = ReportPaths(
        trades_csv=out_dir / "trades.csv",
        summary_json=out_dir / "summary.json",
        report_html=out_dir / "report.html",
    )
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ConfigError(
            f"cannot create output directory {out_dir}: {error}", path="--out"
        ) from error
    current = paths.trades_csv
    try:
        write_trades_csv(current, trades)
        current = paths.summary_json
        write_summary_json(current, identity, metrics)
        current = paths.report_html
        write_report_html(current, identity, metrics, curve, trades)
    except OSError as error:
        raise ConfigError(f"cannot write {current}: {error}", path="--out") from error
    return paths
