"""`summary.json`: the run's identity and metrics, one JSON type per field, sorted keys.

The schema is documented in `docs/backtesting.md` ("summary.json"). Every number is a JSON
number (money too: a reader wants to compute with it); a figure that is not defined is
`null`, never a string; times are epoch ms with an ISO 8601 UTC field beside them; and
`max_drawdown` carries the sign the terminal shows (negative, or 0 without a drawdown).
"""

import json
import math
from decimal import Decimal
from pathlib import Path

from tradekernel.adapters.reports.metrics import Metrics
from tradekernel.adapters.reports.perpetual_metrics import perpetual_document
from tradekernel.adapters.reports.run_identity import RunIdentity
from tradekernel.adapters.reports.skips import skip_words
from tradekernel.shared.utc_time import utc_text

SUMMARY_SCHEMA_VERSION = 2

JsonValue = str | int | float | bool | None | list["JsonValue"] | dict[str, "JsonValue"]


def _number(value: float | Decimal | None) -> float | None:
    # JSON has no NaN or infinity; an undefined number is null.
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def metrics_document(metrics: Metrics) -> dict[str, JsonValue]:
    """Return the `metrics` object: fractions and money as numbers, counts as integers."""
    return {
        "starting_cash": _number(metrics.starting_cash),
        "final_equity": _number(metrics.final_equity),
        "total_return": _number(metrics.total_return),
        "buy_and_hold_return": _number(metrics.buy_and_hold_return),
        "cagr": _number(metrics.cagr),
        "sharpe": _number(metrics.sharpe),
        "sortino": _number(metrics.sortino),
        "max_drawdown": _number(-metrics.max_drawdown if metrics.max_drawdown else 0.0),
        "max_drawdown_duration_ms": metrics.max_drawdown_duration_ms,
        "calmar": _number(metrics.calmar),
        "win_rate": _number(metrics.win_rate),
        "profit_factor": _number(metrics.profit_factor),
        "average_trade": _number(metrics.average_trade),
        "exposure": _number(metrics.exposure),
        "fees": _number(metrics.fees),
        "trade_count": metrics.trade_count,
        "open_trade_count": metrics.open_trade_count,
        "bars": metrics.bars,
        "notes": list(metrics.notes),
    }


def summary_document(identity: RunIdentity, metrics: Metrics) -> dict[str, JsonValue]:
    """Return the summary as a JSON-ready mapping (`perpetual` only for a perpetual run)."""
    document: dict[str, JsonValue] = {
        "schema_version": SUMMARY_SCHEMA_VERSION,
        "run_id": identity.run_id,
        "mode": identity.mode,
        "strategy": identity.strategy,
        "symbols": list(identity.symbols),
        "period_start_ms": identity.start_ms,
        "period_start": utc_text(identity.start_ms),
        "period_end_ms": identity.end_ms,
        "period_end": utc_text(identity.end_ms),
        "config_hash": identity.config_hash,
        "data_fingerprint": identity.data_fingerprint,
        "plan_hash": identity.plan_hash,
        "metrics": metrics_document(metrics),
        "skipped_intents": _skipped(identity.skipped_intents),
        "exits_by_reason": {key: int(count) for key, count in metrics.exits_by_reason.items()},
    }
    if metrics.perpetual is not None:
        document["perpetual"] = dict(perpetual_document(metrics.perpetual))
    return document


def _skipped(skipped: tuple[tuple[str, int], ...]) -> dict[str, JsonValue]:
    reason = skipped[0][0] if skipped else None
    by_reason: dict[str, JsonValue] = dict(skipped)
    return {
        "total": sum(count for _, count in skipped),
        "by_reason": by_reason,
        "most_frequent": reason,
        "most_frequent_words": None if reason is None else skip_words(reason),
    }


def summary_json_text(identity: RunIdentity, metrics: Metrics) -> str:
    """Return the summary JSON text: sorted keys, two-space indent, trailing newline."""
    document = summary_document(identity, metrics)
    return json.dumps(document, sort_keys=True, indent=2, allow_nan=False) + "\n"


def write_summary_json(path: Path, identity: RunIdentity, metrics: Metrics) -> None:
    """Write `summary.json` to `path`.

    Raises:
        OSError: if the file cannot be written.
    """
    path.write_text(summary_json_text(identity, metrics), encoding="utf-8")
