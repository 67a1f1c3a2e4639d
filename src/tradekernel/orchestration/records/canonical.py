"""Canonical JSON of plans and contexts, and the plan hash.

Canonical means: keys sorted, no whitespace, UTF-8, attrs instances and msgspec Structs as
objects of their fields, Decimals as their exact strings, enums as their values, tuples as
lists. Equal plans give byte-identical JSON and so equal hashes, in any process and under any
PYTHONHASHSEED. The text is msgspec's JSON encoder with `order="sorted"`: one maintained
encoder, no generated code, no fallback. A value it cannot encode is an error.

`HASH_FORMAT_VERSION` names these rules. Every run manifest records the version its plans
were hashed under, and plans (or hashes) recorded under another version are never
compared with new ones: `replay` refuses them. Version 1 was cattrs then
`json.dumps(sort_keys=True, ensure_ascii=True)`; version 2 (msgspec) writes the same bytes
for ASCII text without floats (every bundled example), but non-ASCII text as UTF-8 instead
of `\\uXXXX` escapes, floats in msgspec's shortest form (`1e16`, not `1e+16`) and
non-finite floats as `null`. See docs/backtesting.md.

A field whose value is `msgspec.UNSET` is left out (an intent's `replaces` when it replaces
nothing, its `max_slippage_bps` when it has no bound, its `position_side` outside hedge
mode): a field added that way keeps every earlier plan's bytes, so it needs no new version.
"""

import hashlib
from typing import Any, Final

import msgspec

from tradekernel.domain.plan import Plan

HASH_FORMAT_VERSION: Final = "2"


# No enc_hook: every type a plan or context holds is native to msgspec (attrs classes,
# msgspec Structs, Decimal, enums, str, int, bool, None, tuples, dicts with str keys),
# and for any other type msgspec raises TypeError naming it. That is the wanted outcome:
# a value without a canonical text is an error, never a guess.
_encoder = msgspec.json.Encoder(decimal_format="string", order="sorted")


def canonical_bytes(value: object) -> bytes:
    """Return the canonical JSON of an attrs value or plain data as UTF-8 bytes.

    Raises:
        TypeError: when the value holds something canonical JSON cannot encode (an object
            of an unsupported type, a dict with non-str keys); the message names the type.
    """
    return _encoder.encode(value)


def canonical_json(value: object) -> str:
    """Return the canonical JSON text of an attrs value or plain data.

    Raises:
        TypeError: when the value holds something canonical JSON cannot encode (an object
            of an unsupported type, a dict with non-str keys); the message names the type.
    """
    return _encoder.encode(value).decode("utf-8")


def hash_text(canonical: str) -> str:
    """Return the sha256 hex digest of canonical JSON text (of its UTF-8 bytes)."""
    return hash_bytes(canonical.encode("utf-8"))


def hash_bytes(canonical: bytes) -> str:
    """Return the sha256 hex digest of canonical JSON bytes (`canonical_bytes`)."""
    return hashlib.sha256(canonical).hexdigest()


def plan_hash(plan: Plan) -> str:
    """Return the sha256 hex digest of the plan's canonical JSON."""
    return hash_bytes(canonical_bytes(plan))


def structure_plan(data: Any) -> Plan:
    """Rebuild a Plan from its decoded canonical JSON (used by replay and explain).

    `Plan` is a msgspec Struct, so msgspec rebuilds it, its nested Structs and attrs
    classes alike: Decimals from their strings, enums from their values, a field left out
    (an intent's UNSET `replaces`, `max_slippage_bps`, `position_side`) at its default.
    """
    return msgspec.convert(data, Plan)


def chain_hash(hashes: list[str]) -> str:
    """Return one hash over an ordered sequence of plan hashes (a run's plan hash)."""
    digest = hashlib.sha256()
    for value in hashes:
        digest.update(value.encode("ascii"))
        digest.update(b"\n")
    return digest.hexdigest()
