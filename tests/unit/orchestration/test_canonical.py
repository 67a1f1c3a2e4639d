"""Canonical JSON (hash format 2): deterministic, equal to a plain reference, never guessing."""

import hashlib
import json
import types
import typing
from decimal import Decimal
from enum import Enum
from typing import Any

import attrs
import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tradekernel.domain.account import Balance, Position
from tradekernel.domain.market import MarkPrice, SymbolRules
from tradekernel.domain.orders import OpenOrderView
from tradekernel.domain.plan import Diagnostic, Plan, UniverseRecord
from tradekernel.orchestration.records.canonical import (
    HASH_FORMAT_VERSION,
    canonical_bytes,
    canonical_json,
    hash_bytes,
    hash_text,
    plan_hash,
    structure_plan,
)


def plain(value: Any) -> Any:
    """Return the JSON data of a value, written out here independently of msgspec."""
    if attrs.has(type(value)):
        # An UNSET field (an intent that replaces nothing) is left out of the text.
        return {
            field.name: plain(getattr(value, field.name))
            for field in attrs.fields(type(value))
            if getattr(value, field.name) is not msgspec.UNSET
        }
    if isinstance(value, msgspec.Struct):
        return {
            field.name: plain(getattr(value, field.name))
            for field in msgspec.structs.fields(type(value))
            if getattr(value, field.name) is not msgspec.UNSET
        }
    if isinstance(value, Enum):
        return plain(value.value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (tuple, list)):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    return value


def reference(value: object) -> str:
    """Return the format-2 text the obvious way: plain data, then json.dumps, sorted, UTF-8."""
    return json.dumps(plain(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


# Text with non-ASCII, quotes, backslashes, DEL, line separators and control characters.
TEXT = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(['"', "\\", "\x7f", "/", "\u2028", "\U0001f600"]),
        st.characters(max_codepoint=0x1F),
    ),
    max_size=12,
)
DECIMALS = st.decimals(allow_nan=True, allow_infinity=True) | st.sampled_from(
    [Decimal("1E-8"), Decimal("-0"), Decimal("0E-7"), Decimal("1E+3"), Decimal("sNaN")]
)


def strategy_for(declared: Any) -> st.SearchStrategy[Any]:
    """Return values of a declared field type, built field by field (defaults too)."""
    origin = typing.get_origin(declared)
    args = typing.get_args(declared)
    if declared is str:
        return TEXT
    if declared is bool:
        return st.booleans()
    if declared is int:
        return st.integers(min_value=-(2**63), max_value=2**64 - 1)
    if declared is Decimal:
        return DECIMALS
    if declared is type(None):
        return st.none()
    if declared is msgspec.UnsetType:
        return st.just(msgspec.UNSET)
    if isinstance(declared, type) and issubclass(declared, Enum):
        return st.sampled_from(list(declared))
    if origin in (typing.Union, types.UnionType):
        return st.one_of([strategy_for(arg) for arg in args])
    if origin is tuple and args[-1:] == (Ellipsis,):
        return st.lists(strategy_for(args[0]), max_size=3).map(tuple)
    if origin is tuple:
        return st.tuples(*[strategy_for(arg) for arg in args])
    if isinstance(declared, type) and attrs.has(declared):
        fields = {
            f.name: st.deferred(lambda t=f.type: strategy_for(t)) for f in attrs.fields(declared)
        }
        return st.builds(declared, **fields)
    if isinstance(declared, type) and issubclass(declared, msgspec.Struct):
        hints = typing.get_type_hints(declared)
        fields = {
            f.name: st.deferred(lambda t=hints[f.name]: strategy_for(t))
            for f in msgspec.structs.fields(declared)
        }
        return st.builds(declared, **fields)
    raise AssertionError(f"no strategy for {declared!r}")


PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DOMAIN = (Plan, MarkPrice, Balance, Position, OpenOrderView, SymbolRules)


@PROPERTY
@given(st.one_of([strategy_for(cls) for cls in DOMAIN]))
def test_generated_domain_values_encode_deterministically_as_the_reference(value: object) -> None:
    text = canonical_json(value)
    assert text == reference(value)
    copied = (
        msgspec.structs.replace(value) if isinstance(value, msgspec.Struct) else attrs.evolve(value)
    )
    assert canonical_json(copied) == text  # an equal copy: equal bytes
    assert canonical_bytes(value) == text.encode("utf-8")


@PROPERTY
@given(strategy_for(Plan))
def test_the_plan_hash_is_the_sha256_of_the_utf8_reference_text(plan: Plan) -> None:
    expected = hashlib.sha256(reference(plan).encode("utf-8")).hexdigest()
    assert plan_hash(plan) == expected
    assert hash_text(canonical_json(plan)) == expected
    assert hash_bytes(canonical_bytes(plan)) == expected


@PROPERTY
@given(strategy_for(Plan))
def test_a_decoded_plan_rebuilds_its_attrs_classes_and_structs_byte_for_byte(plan: Plan) -> None:
    # Assessments, signals, directives and most trade plans are msgspec Structs, the rest
    # attrs classes: structure_plan rebuilds both kinds, so the text is the same again.
    rebuilt = structure_plan(json.loads(canonical_json(plan)))
    assert canonical_bytes(rebuilt) == canonical_bytes(plan)
    assert [type(a) for a in rebuilt.assessments] == [type(a) for a in plan.assessments]


def test_format_2_bytes_are_pinned() -> None:
    # What version 2 writes where version 1 (json.dumps, ensure_ascii) wrote otherwise:
    # UTF-8 instead of \u escapes, msgspec's float form, and NaN as null. A msgspec
    # upgrade that changes any of these must bump HASH_FORMAT_VERSION.
    value = {
        "text": "caf\u00e9 \u2265 \x7f\x00",
        "big": 1e16,
        "small": 1e-7,
        "nan": float("nan"),
        "decimal": Decimal("1.50E+3"),
        "pair": (1, True, None),
    }
    assert canonical_json(value) == (
        '{"big":1e16,"decimal":"1.50E+3","nan":null,"pair":[1,true,null],'
        '"small":1e-7,"text":"caf\u00e9 \u2265 \x7f\\u0000"}'
    )
    assert HASH_FORMAT_VERSION == "2"


def test_a_real_shape_plan_hash_is_pinned() -> None:
    plan = Plan(
        run_id="run-1",
        cycle_ts_ms=1_700_000_000_000,
        universe=UniverseRecord(candidates=("BTC/USD",), allow=(), deny=(), selected=("BTC/USD",)),
        diagnostics=(Diagnostic(stage="gate", code="min_notional", message="below 10"),),
    )
    assert canonical_json(plan) == reference(plan)
    # Hash format 2. Format 1 gave this very hash too: the text is ASCII without floats.
    assert plan_hash(plan) == "265b6e467b8b054d433c0c4b1d0bfdc6c7a0c4379fe1be325b6d2526608b79cf"


@attrs.frozen
class Tagged:
    value: object


@pytest.mark.parametrize(
    ("value", "named"),
    [
        (Tagged(value=1j), "complex"),
        (Tagged(value=object()), "object"),
        ({"x": Tagged(value=Tagged(value={1, 2j}))}, "complex"),
    ],
)
def test_a_value_without_a_canonical_text_raises_naming_its_type(value: object, named: str) -> None:
    with pytest.raises(TypeError, match=named):
        canonical_json(value)


def test_a_mapping_with_non_text_keys_is_refused_not_converted() -> None:
    # Format 1 (json.dumps) silently turned 1 into "1"; two keys could then collide.
    with pytest.raises(TypeError, match="str keys"):
        canonical_json({"backoff": {1: 5}})


def test_a_mistyped_field_is_encoded_as_its_value_not_its_declared_type() -> None:
    # The encoder writes what a field holds: an int where a Decimal is declared stays a
    # number, so a quantity that skipped quantisation is visible in the plan text.
    text = canonical_json(Balance(asset="USD", free=5))  # type: ignore[arg-type]
    assert json.loads(text)["free"] == 5


def test_an_intent_that_replaces_nothing_keeps_the_bytes_of_the_field_less_format() -> None:
    from tradekernel.domain.enums import OrderType, Side
    from tradekernel.domain.intents import ExecutionIntent

    intent = ExecutionIntent(
        client_order_id="tk1",
        directive_id="d1",
        symbol="BTC/USD",
        side=Side.SELL,
        order_type=OrderType.STOP,
        quantity=Decimal("0.5"),
        stop_price=Decimal("100.5"),
    )
    assert "replaces" not in canonical_json(intent)
    with pytest.raises(TypeError, match="UNSET, not None"):
        msgspec.structs.replace(intent, replaces=None)
    moved = intent.replacing("tk0")
    assert '"replaces":"tk0"' in canonical_json(moved)
    plan = Plan(
        run_id="r",
        cycle_ts_ms=1,
        universe=UniverseRecord(candidates=(), allow=(), deny=(), selected=()),
        intents=(intent, moved),
    )
    rebuilt = structure_plan(json.loads(canonical_json(plan)))
    assert rebuilt.intents == (intent, moved)
    assert [i.replaced_order_id for i in rebuilt.intents] == [None, "tk0"]
