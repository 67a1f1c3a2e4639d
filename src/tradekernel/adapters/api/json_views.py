"""Domain DTOs as JSON objects: Decimals as strings (exact), enums as their values."""

import enum
import json
from decimal import Decimal
from typing import Any

import attrs

from tradekernel.domain.ports.operator_console import RunView

Json = dict[str, Any]


def _plain(_instance: object, _field: object, value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    return value


def as_json(value: object) -> Json:
    """Return an attrs object as a JSON-ready dict (nested objects included)."""
    return attrs.asdict(value, value_serializer=_plain)  # type: ignore[arg-type]


def run_json(view: RunView) -> Json:
    """Return a run with its summary as an object rather than a JSON string."""
    data = as_json(view)
    data["summary"] = json.loads(data.pop("summary_json") or "{}")
    return data
