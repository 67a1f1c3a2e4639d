"""`summary.json`: the metrics and the run's identity, with sorted keys and exact Decimals."""

import json
import math
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

import attrs

from tradekernel.adapters.reports.metrics import Metrics
from tradekernel.adapters.reports.run_identity import RunIdentity
from tradekernel.adapters.reports.skips import skip_words
from tradekernel.adapters.reports.trades_csv import plain

SUMMARY_SCHEMA_VERSION = 1

JsonValue = str | int | float | bool | None | list["JsonValue"] | dict[str, "JsonValue"]


def _json_value(value: object) -> JsonValue:
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, float):
        # JSON has no NaN or infinity; an undefined number is null.
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(key): _json_value(item) for key, item in value.items()}
    if isinstance(value, tuple | list):
        return [_json_value(item) for item in value]
    if value is None or isinstance(value, str | int | bool):
        return value
    raise TypeError(f"summary.json cannot hold a {type(value).__name__}")


def summary_document(identity: RunIdentity, metrics: Metrics) -> dict[str, JsonValue]:
    """Return the summary as a JSON-ready mapping."""
    metric_values: dict[str, JsonValue] = {
        name: _json_value(value) for name, value in attrs.asdict(metrics, recurse=False).items()
    }
    return {
        "schema_version": SUMMARY_SCHEMA_VERSION,
        "run_id": identity.run_id,
        "mode": identity.mode,
        "config_hash": identity.config_hash,
        "data_fingerprint": identity.data_fingerprint,
        "plan_hash": identity.plan_hash,
        "trade_count": metrics.trade_count,
        "final_equity": plain(metrics.final_equity),
        "metrics": metric_values,
        "skipped_intents": _skipped(identity.skipped_intents),
    }


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
