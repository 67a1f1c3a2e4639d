"""The slot `__init__` builds exactly what attrs' own `__init__` builds, for every class."""

import importlib
from collections.abc import Callable
from typing import Any, cast

import attrs
import pytest

from tradekernel.domain.slot_init import REPLACED, positional_new, slot_init

MODULES = ("signals", "stage_inputs", "directives", "trade_plans", "intents", "plan")


def _load() -> None:
    for name in MODULES:
        importlib.import_module(f"tradekernel.domain.{name}")


def _state(instance: Any) -> dict[str, object]:
    return {field.name: getattr(instance, field.name) for field in attrs.fields(type(instance))}


def _build(cls: type, init: Callable[..., None], **values: object) -> object:
    instance: object = object.__new__(cls)
    init(instance, **values)
    return instance


def test_every_hot_domain_class_has_a_slot_init() -> None:
    _load()
    replaced = {cls.__qualname__ for cls in REPLACED}
    for name in ("FeatureSnapshot", "ContextAssessment", "StrategyDirective", "Plan"):
        assert name in replaced
    assert "ExecutionIntent" in replaced


@pytest.mark.parametrize("with_optional", [False, True])
def test_slot_init_stores_what_attrs_stores(with_optional: bool) -> None:
    _load()
    for cls, original in REPLACED.items():
        if cls.__qualname__ == "RoutingRequest":
            continue  # its post-init check needs real plans: tested below
        values: dict[str, object] = {}
        for number, field in enumerate(attrs.fields(cast(Any, cls))):
            if field.default is attrs.NOTHING or with_optional:
                values[field.alias] = ("value", cls.__qualname__, number)
        klass: Any = cls
        ours = _build(cls, klass.__init__, **values)
        theirs = _build(cls, original, **values)
        assert _state(ours) == _state(theirs), cls.__qualname__


def test_factories_give_each_instance_its_own_value() -> None:
    _load()
    from tradekernel.domain.stage_inputs import AccountView

    required = {
        field.alias: None for field in attrs.fields(AccountView) if field.default is attrs.NOTHING
    }
    first, second = AccountView(**required), AccountView(**required)  # type: ignore[arg-type]
    assert first.exposure == {} and first.exposure is not second.exposure


def test_post_init_checks_still_run() -> None:
    from decimal import Decimal

    from tradekernel.domain.directives import StrategyDirective
    from tradekernel.domain.enums import DirectiveScope, OrderType, Side
    from tradekernel.domain.trade_plans import (
        EntryLayer,
        EntryPlan,
        ExitPlan,
        RoutingRequest,
        SizePlan,
    )

    directive = StrategyDirective(
        directive_id="dir-1",
        source="test",
        symbol="BTC/USDT",
        ts_ms=0,
        side=Side.BUY,
        scope=DirectiveScope.NEW_TRADE,
        confidence=Decimal(1),
        reason="test",
    )
    layer = EntryLayer(order_type=OrderType.MARKET, fraction=Decimal(1))
    entry = EntryPlan(directive_id="dir-1", planner="m", layers=(layer,))
    size = SizePlan(directive_id="dir-2", planner="s", quantity=Decimal(1))
    exit_plan = ExitPlan(directive_id="dir-1", planner="e")
    with pytest.raises(ValueError, match="different directives"):
        RoutingRequest(directive=directive, entry=entry, size=size, exit=exit_plan)


def test_slot_init_refuses_classes_it_would_change() -> None:
    @attrs.frozen(kw_only=True)
    class Checked:
        value: int = attrs.field(validator=attrs.validators.instance_of(int))

    @attrs.frozen
    class Positional:
        value: int

    with pytest.raises(TypeError, match="validator"):
        slot_init(Checked)
    with pytest.raises(TypeError, match="keyword-only"):
        slot_init(Positional)
    with pytest.raises(TypeError, match="slotted attrs class"):
        slot_init(int)


def test_slot_init_keeps_instances_frozen_and_comparable() -> None:
    from tradekernel.domain.signals import FeatureSnapshot

    snapshot = FeatureSnapshot(symbol="A", ts_ms=1, close=2.0, current={}, previous={})
    assert snapshot == FeatureSnapshot(symbol="A", ts_ms=1, close=2.0, current={}, previous={})
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        snapshot.close = 3.0  # type: ignore[misc]
    with pytest.raises(TypeError):
        FeatureSnapshot(symbol="A", ts_ms=1, close=2.0, current={})  # type: ignore[call-arg]


def test_positional_new_builds_what_the_keyword_constructor_builds() -> None:
    from tradekernel.domain.signals import FeatureSnapshot

    new = positional_new(FeatureSnapshot, ("previous", "close", "symbol", "current", "ts_ms"))
    built = new({"a": 1.0}, 2.5, "BTC/USDT", {"b": 2.0}, 7)
    assert built == FeatureSnapshot(
        symbol="BTC/USDT", ts_ms=7, close=2.5, current={"b": 2.0}, previous={"a": 1.0}
    )
    assert type(built) is FeatureSnapshot


def test_positional_new_refuses_what_it_cannot_build_faithfully() -> None:
    from tradekernel.domain.signals import FeatureSnapshot
    from tradekernel.domain.trade_plans import RoutingRequest

    with pytest.raises(TypeError, match="every field once"):
        positional_new(FeatureSnapshot, ("symbol", "ts_ms", "close", "current"))
    with pytest.raises(TypeError, match="every field once"):
        positional_new(FeatureSnapshot, ("symbol", "symbol", "ts_ms", "close", "current"))
    with pytest.raises(TypeError, match="post_init"):
        positional_new(RoutingRequest, ("directive", "entry", "size", "exit"))

    @attrs.frozen(kw_only=True)
    class Plain:
        value: int

    with pytest.raises(TypeError, match="slot_init class"):
        positional_new(Plain, ("value",))
