"""Canonical JSON of plans and contexts, and the plan hash.

Canonical means: keys sorted, no whitespace, Decimals as their exact strings, enums as
their values, tuples as lists. Equal plans give byte-identical JSON and so equal hashes,
in any process and under any PYTHONHASHSEED.
"""

import hashlib
import json
from decimal import Decimal
from typing import Any

import cattrs

from tradekernel.domain.plan import Plan

_converter = cattrs.Converter()
_converter.register_unstructure_hook(Decimal, str)


def unstructure(value: object) -> Any:
    """Return plain JSON-ready data for an attrs value (Decimals as strings)."""
    return _converter.unstructure(value)


def canonical_json(value: object) -> str:
    """Return the canonical JSON text of an attrs value or plain data."""
    return json.dumps(unstructure(value), sort_keys=True, separators=(",", ":"), ensure_ascii=True)


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
