"""The direct canonical writer gives the very bytes of cattrs-then-json, or defers to it."""

import json
import tomllib
import types
import typing
from decimal import Decimal
from enum import Enum, StrEnum
from importlib import resources
from typing import Any

import attrs
import cattrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.unit.orchestration.kernel.kernel_fixtures import context_at, real_series, rich_kernel

from tradekernel.adapters.config.blueprint_loader import parse_blueprint
from tradekernel.domain.account import Balance, Position
from tradekernel.domain.context import PlanningContext
from tradekernel.domain.enums import TradingState
from tradekernel.domain.market import MarkPrice, SymbolRules
from tradekernel.domain.orders import OpenOrderView
from tradekernel.domain.plan import Diagnostic, Plan
from tradekernel.orchestration.canonical import canonical_json, canonical_text, plan_hash
from tradekernel.orchestration.canonical_writer import CanonicalWriter
from tradekernel.orchestration.context_record import context_json
from tradekernel.orchestration.kernel_factory import build_kernel
from tradekernel.orchestration.plugin_catalog import builtin_catalog
from tradekernel.shared.bars import BarSeries

# The reference, written out here independently of the module under test.
REFERENCE = cattrs.Converter()
REFERENCE.register_unstructure_hook(Decimal, str)


def reference(value: object) -> str:
    data = REFERENCE.unstructure(value)
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def reference_context(context: PlanningContext[BarSeries]) -> str:
    record = {
        "run_id": context.run_id,
        "now_ms": context.now_ms,
        "symbols": list(context.symbols),
        "bars": {s: len(h) for s, h in sorted(context.history.items())},
        "last_ts_ms": {s: int(h.ts_ms[-1]) for s, h in sorted(context.history.items()) if len(h)},
        "rules": {s: REFERENCE.unstructure(r) for s, r in sorted(context.rules.items())},
        "marks": {s: REFERENCE.unstructure(m) for s, m in sorted(context.marks.items())},
        "balances": {a: REFERENCE.unstructure(b) for a, b in sorted(context.balances.items())},
        "positions": {s: REFERENCE.unstructure(p) for s, p in sorted(context.positions.items())},
        "open_orders": [REFERENCE.unstructure(o) for o in context.open_orders],
        "trading_state": context.trading_state.value,
        "stop_new_orders": context.stop_new_orders,
        "backoff_until_ms": dict(sorted(context.backoff_until_ms.items())),
        "peak_equity": None if context.peak_equity is None else str(context.peak_equity),
    }
    return json.dumps(record, sort_keys=True, separators=(",", ":"))


# Text with non-ASCII, quotes, backslashes, DEL and every control character.
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
    if declared is typing.Any:
        return st.none() | TEXT | st.integers() | st.lists(st.floats(), max_size=2)
    if declared is str:
        return TEXT
    if declared is bool:
        return st.booleans()
    if declared is int:
        return st.integers(min_value=-(2**70), max_value=2**70)
    if declared is float:
        return st.floats(allow_nan=True, allow_infinity=True)
    if declared is Decimal:
        return DECIMALS
    if declared is type(None):
        return st.none()
    if isinstance(declared, type) and issubclass(declared, Enum):
        return st.sampled_from(list(declared))
    if origin in (typing.Union, types.UnionType):
        return st.one_of([strategy_for(arg) for arg in args])
    if origin is tuple and args[-1:] == (Ellipsis,):
        return st.lists(strategy_for(args[0]), max_size=3).map(tuple)
    if origin is tuple:
        return st.tuples(*[strategy_for(arg) for arg in args])
    if origin is list:
        return st.lists(strategy_for(args[0]), max_size=3)
    if origin is dict:
        return st.dictionaries(TEXT, strategy_for(args[1]), max_size=3)
    if origin is frozenset:
        return st.frozensets(strategy_for(args[0]), max_size=3)
    if isinstance(declared, type) and attrs.has(declared):
        fields = {
            f.name: st.deferred(lambda t=f.type: strategy_for(t)) for f in attrs.fields(declared)
        }
        return st.builds(declared, **fields)
    raise AssertionError(f"no strategy for {declared!r}")


PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DOMAIN = (Plan, MarkPrice, Balance, Position, OpenOrderView, SymbolRules)


@PROPERTY
@given(st.one_of([strategy_for(cls) for cls in DOMAIN]))
def test_generated_domain_values_write_the_reference_bytes(value: object) -> None:
    expected = reference(value)
    assert canonical_text(value) == expected
    assert canonical_json(value) == expected


class Colour(StrEnum):
    RED = "r\u00e9d"
    BLUE = 'bl"ue'


class Level(Enum):
    LOW = 1
    HIGH = 2.5


@attrs.frozen(kw_only=True)
class Leaf:
    name: str
    amount: Decimal | None = None


@attrs.frozen(kw_only=True)
class Other:
    count: int
    ratio: float


@attrs.frozen(kw_only=True)
class Tree:
    """Every shape the writer handles, and some it must hand to the reference path."""

    choice: Leaf | Other
    maybe: Leaf | Other | None
    leaves: tuple[Leaf, ...]
    pairs: tuple[tuple[str, Decimal], ...]
    table: dict[str, Decimal]
    nested: dict[str, Leaf]
    colour: Colour
    level: Level
    flags: list[bool]
    anything: typing.Any = None
    é_field: str = "x"  # noqa: PLC2401 - a key json must escape


def test_writer_compiles_a_recursive_class_once_and_writes_it() -> None:
    @attrs.frozen(kw_only=True)
    class Node:
        label: str
        children: "tuple[Node, ...]" = ()

    attrs.resolve_types(Node, localns={"Node": Node})
    node = Node(label="a", children=(Node(label="b"), Node(label="c", children=(Node(label="d"),))))
    assert CanonicalWriter(REFERENCE).write(node) == reference(node)


@PROPERTY
@given(strategy_for(Tree))
def test_unions_maps_and_enums_write_the_reference_bytes(tree: Tree) -> None:
    assert CanonicalWriter(REFERENCE).write(tree) == reference(tree)


@given(st.frozensets(TEXT, min_size=1, max_size=3))
def test_a_set_is_refused_as_the_reference_refuses_it(tags: frozenset[str]) -> None:
    @attrs.frozen
    class Tagged:
        tags: frozenset[str]

    with pytest.raises(TypeError, match="not JSON serializable"):
        reference(Tagged(tags=tags))
    with pytest.raises(TypeError, match="not JSON serializable"):
        CanonicalWriter(REFERENCE).write(Tagged(tags=tags))


MISTYPED = [
    Balance(asset="USD", free=5),  # type: ignore[arg-type]  # int where a Decimal is declared
    Balance(asset=Colour.BLUE, free=Decimal(1)),  # a str subclass where str is declared
    MarkPrice(symbol="X", price=Decimal(1), ts_ms=True),  # bool where int is declared
    MarkPrice(symbol="X", price=Decimal(1), ts_ms=2.5),  # type: ignore[arg-type]
    Diagnostic(stage=7, code="c", message="m"),  # type: ignore[arg-type]
    Diagnostic(stage="s", code="c", message="m", symbol=Decimal("1.5")),  # type: ignore[arg-type]
    SymbolRules(symbol="X", base="X", quote="Y", tick_size=1, step_size="0.1"),  # type: ignore[arg-type]
]


def _outcome(write: Any, value: object) -> tuple[str, str]:
    try:
        return ("text", write(value))
    except TypeError as error:
        return ("error", str(error))


@pytest.mark.parametrize("value", MISTYPED, ids=lambda v: type(v).__name__)
def test_values_of_undeclared_types_give_the_reference_text_or_error(value: object) -> None:
    assert _outcome(canonical_json, value) == _outcome(reference, value)


def test_the_mistyped_values_cover_both_outcomes() -> None:
    outcomes = {_outcome(reference, value)[0] for value in MISTYPED}
    assert outcomes == {"text", "error"}


def test_a_value_json_cannot_encode_raises_as_the_reference_does() -> None:
    position = Position(symbol="X", quantity=Decimal(1), avg_entry_price=Decimal(1), opened_ms=[1j])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="complex is not JSON serializable"):
        reference(position)
    with pytest.raises(TypeError, match="complex is not JSON serializable"):
        canonical_json(position)


RICH = rich_kernel()
RICH_SERIES = real_series(RICH)
CATALOG = builtin_catalog()
SMA = build_kernel(
    parse_blueprint(
        tomllib.loads(
            resources.files("tradekernel").joinpath("examples", "sma_cross.toml").read_text()
        ),
        CATALOG,
        file="sma_cross.toml",
    ),
    CATALOG,
)
SMA_SERIES = real_series(SMA)


def _real_contexts() -> list[PlanningContext[BarSeries]]:
    contexts = []
    for index in range(40, 3000, 7):
        contexts.append(
            context_at(
                RICH,
                RICH_SERIES,
                index,
                cash=Decimal("50000") if index % 2 else Decimal("150.5"),
                held=Decimal("0.0173") if index % 3 == 0 else Decimal(0),
                with_order=index % 5 == 0,
            )
        )
    return contexts


CONTEXTS = _real_contexts()


def test_real_plans_of_two_blueprints_write_the_reference_bytes() -> None:
    checked = with_intents = 0
    for context in CONTEXTS:
        for kernel in (RICH, SMA):
            plan = kernel.plan(context)
            assert canonical_text(plan) == reference(plan)
            checked += 1
            with_intents += bool(plan.intents)
    # Guard against a vacuous comparison: many plans, and many that trade.
    assert checked > 700
    assert with_intents > 50


def test_real_contexts_write_the_reference_record() -> None:
    for context in CONTEXTS:
        assert context_json(context) == reference_context(context)


def test_the_plan_hash_is_the_sha256_of_the_reference_text() -> None:
    import hashlib

    plan = next(p for p in map(RICH.plan, CONTEXTS) if p.intents)
    assert plan_hash(plan) == hashlib.sha256(reference(plan).encode("ascii")).hexdigest()


@PROPERTY
@given(
    context=st.builds(
        attrs.evolve,
        st.sampled_from(CONTEXTS[::20]),
        run_id=TEXT,
        now_ms=st.integers(min_value=0, max_value=2**62),
        symbols=st.lists(TEXT, max_size=3).map(tuple),
        rules=st.dictionaries(TEXT, strategy_for(SymbolRules), max_size=2),
        marks=st.dictionaries(TEXT, strategy_for(MarkPrice), max_size=2),
        balances=st.dictionaries(TEXT, strategy_for(Balance), max_size=2),
        positions=st.dictionaries(TEXT, strategy_for(Position), max_size=2),
        open_orders=st.lists(strategy_for(OpenOrderView), max_size=2).map(tuple),
        trading_state=st.sampled_from(list(TradingState)),
        stop_new_orders=st.booleans(),
        backoff_until_ms=st.dictionaries(TEXT, st.integers(), max_size=2)
        | st.dictionaries(st.integers(), st.integers(), max_size=2),
        peak_equity=st.none() | DECIMALS,
    )
)
def test_generated_contexts_write_the_reference_record(
    context: PlanningContext[BarSeries],
) -> None:
    assert context_json(context) == reference_context(context)
