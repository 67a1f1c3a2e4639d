"""A recorded run's HTML report rebuilt from the run store, for the dashboard's report link.

The run's `--out` report is made from the live result; this one from what the store kept:
the equity snapshots, the fills paired into round trips, and the manifest.
"""

import itertools
import json
from decimal import Decimal

from tradekernel.adapters.backtest.round_trips import RoundTripBook
from tradekernel.adapters.reports.equity_curve import EquityCurve
from tradekernel.adapters.reports.metrics import compute_metrics
from tradekernel.adapters.reports.report_html import report_html_text
from tradekernel.adapters.reports.run_identity import RunIdentity
from tradekernel.bootstrap.run_records import RunRecords

_NO_EQUITY = "<!doctype html><title>{run}</title><p>run {run} recorded no equity yet</p>"


def report_from_store(reader: RunRecords, run_id: str) -> str:
    """Return the report page of a recorded run (a short page if it has no equity yet).

    Raises:
        ConfigError: if the run id is unknown.
    """
    manifest = reader.run_manifest(run_id)
    points = reader.equity(run_id)
    if not points or points[0].equity <= 0:
        return _NO_EQUITY.format(run=run_id)
    book = RoundTripBook()
    fills = reader.fills(run_id)
    for fill in fills:
        book.record(fill)
    steps = [b.ts_ms - a.ts_ms for a, b in itertools.pairwise(points)]
    curve = EquityCurve.from_points(points)
    metrics = compute_metrics(
        curve,
        book.closed(),
        starting_cash=points[0].equity,
        total_fees=sum((fill.fee for fill in fills), Decimal(0)),
        bar_interval_ms=min(steps) if steps else 60_000,
        # Time in market is not recorded; the report shows it as 0.
        exposure=0.0,
    )
    summary = json.loads(reader.run_summary(run_id) or "{}")
    identity = RunIdentity(
        run_id=run_id,
        config_hash=manifest.config_hash,
        data_fingerprint=manifest.data_fingerprint,
        plan_hash=str(summary.get("plan_hash", "")),
        mode=manifest.mode,
    )
    return report_html_text(identity, metrics, curve, book.closed())
