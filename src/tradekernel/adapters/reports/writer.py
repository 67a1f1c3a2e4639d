"""Writing a run's report files into its output directory."""

import importlib.util
import os
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path

import attrs

from tradekernel.adapters.reports.equity_curve import EquityCurve
from tradekernel.adapters.reports.metrics import Metrics
from tradekernel.adapters.reports.run_identity import RunIdentity
from tradekernel.adapters.reports.summary_json import write_summary_json
from tradekernel.adapters.reports.trades_csv import write_trades_csv
from tradekernel.domain.errors import OutputError
from tradekernel.domain.trades import ClosedTrade
from tradekernel.shared.bars import BarSeries

PLOTLY_MISSING = (
    "Interactive charts need Plotly, which is not installed: "
    "pip install 'tradekernel[report]' and run again. This is the plain page."
)


@attrs.frozen(kw_only=True)
class ReportPaths:
    trades_csv: Path
    summary_json: Path
    report_html: Path


def _reason(error: OSError) -> str:
    # strerror ("Permission denied") without the errno and the path the error repeats.
    return error.strerror or str(error)


def check_output_dir(out_dir: Path) -> None:
    """Refuse an output directory that cannot be created or written, before a run starts.

    Raises:
        OutputError: if `out_dir` or its nearest existing ancestor is not a directory, or
            that directory is not writable; `path` names it.
    """
    existing = out_dir
    while not existing.exists() and existing.parent != existing:
        existing = existing.parent
    if not existing.is_dir():
        if existing == out_dir:
            raise OutputError("the output directory is a file", path=str(out_dir))
        message = f"cannot create the output directory {out_dir}: a parent is a file"
        raise OutputError(message, path=str(existing))
    if not os.access(existing, os.W_OK | os.X_OK):
        raise OutputError("output directory is not writable", path=str(existing))


def write_outputs(
    out_dir: Path,
    *,
    identity: RunIdentity,
    metrics: Metrics,
    curve: EquityCurve,
    trades: Sequence[ClosedTrade],
    bars: Sequence[BarSeries] = (),
    strategy: str = "",
    ticks: Mapping[str, Decimal] | None = None,
) -> ReportPaths:
    """Create `out_dir` (and its parents) and write trades.csv, summary.json, report.html.

    `report.html` is the interactive Plotly page (price charts of `bars`) when the
    `report` extra is installed, else the plain page with a banner saying so. Existing
    files of the same names are replaced.

    Raises:
        OutputError: if the directory cannot be created or a file cannot be written;
            `path` names the directory or file.
    """
    paths = ReportPaths(
        trades_csv=out_dir / "trades.csv",
        summary_json=out_dir / "summary.json",
        report_html=out_dir / "report.html",
    )
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(
            f"cannot create output directory: {_reason(error)}", path=str(out_dir)
        ) from error
    current = paths.trades_csv
    try:
        write_trades_csv(current, trades)
        current = paths.summary_json
        write_summary_json(current, identity, metrics)
        current = paths.report_html
        current.write_text(
            report_text(
                identity, metrics, curve, trades, bars=bars, strategy=strategy, ticks=ticks
            ),
            encoding="utf-8",
        )
    except OSError as error:
        raise OutputError(f"cannot write file: {_reason(error)}", path=str(current)) from error
    return paths


def report_text(
    identity: RunIdentity,
    metrics: Metrics,
    curve: EquityCurve,
    trades: Sequence[ClosedTrade],
    *,
    bars: Sequence[BarSeries] = (),
    strategy: str = "",
    ticks: Mapping[str, Decimal] | None = None,
) -> str:
    """Return the report page: interactive with Plotly installed, else plain with a banner."""
    if importlib.util.find_spec("plotly") is None:
        # Imported here: only `--out` writes a page, and the page's modules cost a run
        # without it several milliseconds of start-up.
        from tradekernel.adapters.reports.report_html import report_html_text

        return report_html_text(identity, metrics, curve, trades, notice=PLOTLY_MISSING)
    # Imported here: plotly is an optional extra and takes a while to import.
    from tradekernel.adapters.reports.interactive_report import interactive_report_text

    return interactive_report_text(
        identity, metrics, curve, trades, bars=bars, strategy=strategy, ticks=ticks
    )
