"""Canonical JSON of plans and contexts, and the plan hash.

Canonical means: keys sorted, no whitespace, Decimals as their exact strings, enums as
their values, tuples as lists. Equal plans give byte-identical JSON and so equal hashes,
in any process and under any PYTHONHASHSEED.

The text is written by `CanonicalWriter` (compiled per class, no intermediate dicts);
`reference_json` is the original cattrs-then-json path it must match byte for byte, and
the fallback for anything the writer cannot write.
"""

import hashlib
import json
from decimal import Decimal
from typing import Any

import cattrs

from tradekernel.domain.plan import Plan
from tradekernel.orchestration.canonical_writer import CanonicalWriter

_converter = cattrs.Converter()
_converter.register_unstructure_hook(Decimal, str)
# Built after the hooks are registered: the writer reads them when it compiles a class.
_writer = CanonicalWriter(_converter)


def unstructure(value: object) -> Any:
    """Return plain JSON-ready data for an attrs value (Decimals as strings)."""
    return _converter.unstructure(value)


def reference_json(value: object) -> str:
    """Return the canonical JSON text the slow, obviously right way (cattrs, then json)."""
    return json.dumps(unstructure(value), sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def canonical_json(value: object) -> str:
    """Return the canonical JSON text of an attrs value or plain data.

    Raises:
        TypeError: when the value holds something JSON cannot encode (as json.dumps does).
    """
    try:
        return _writer.write(value)
    except Exception:
        # The writer raises on anything it cannot write exactly (a value of an undeclared
        # type, say); the reference path then gives the text, or the genuine error.
        return reference_json(value)


def canonical_text(value: object) -> str:
    """Return the fast writer's text of a value, never falling back (for tests and benchmarks).

    Raises:
        Exception: whatever the writer raises where `canonical_json` would fall back.
    """
    return _writer.write(value)


def hash_text(canonical: str) -> str:
    """Return the sha256 hex digest of canonical JSON text."""
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def plan_hash(plan: Plan) -> str:
    """Return the sha256 hex digest of the plan's canonical JSON."""
    return hash_text(canonical_json(plan))


def structure_plan(data: Any) -> Plan:
    """Rebuild a Plan from its unstructured form (used by replay and explain)."""
    converter = cattrs.Converter()
    converter.register_structure_hook(Decimal, lambda value, _: Decimal(value))
    return converter.structure(data, Plan)


def chain_hash(hashes: list[str]) -> str:
    """Return one hash over an ordered sequence of plan hashes (a run's plan hash)."""
    digest = hashlib.sha256()
    for value in hashes:
        digest.update(value.encode("ascii"))
        digest.update(b"\n")
    return digest.hexdigest()
