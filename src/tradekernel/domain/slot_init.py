"""A faster `__init__` for the frozen, slotted attrs classes the kernel builds every cycle.

attrs' frozen `__init__` stores each field through `object.__setattr__(self, "name", v)`,
which looks the slot up by name on every call. The one generated here stores each field
through the slot's own descriptor, bound once per class: the same fields, defaults,
factories and post-init check, about a fifth cheaper per object. A planning cycle builds
thousands of these objects (snapshots, assessments, signals, directives, plans, intents),
so the difference is a few per cent of the whole cycle.

Only plain data classes qualify: a field with a validator, a converter or an `on_setattr`
hook keeps attrs' own `__init__` (`slot_init` refuses it at import time, so the rule cannot
be broken silently).
"""

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import attrs

T = TypeVar("T")

# The classes given a slot `__init__`, with attrs' own, so tests can compare the two.
REPLACED: dict[type, Callable[..., None]] = {}


def _refusal(cls: type, reason: str) -> TypeError:
    return TypeError(f"slot_init cannot take over {cls.__qualname__}.__init__: {reason}")


def slot_init(cls: type[T]) -> type[T]:
    """Give a frozen, slotted, keyword-only attrs class the descriptor-based `__init__`."""
    klass: Any = cls  # set up dynamically below: mypy sees the class attrs declared
    if not attrs.has(klass) or "__slots__" not in cls.__dict__:
        raise _refusal(cls, "not a slotted attrs class")
    namespace: dict[str, Any] = {"NOTHING": attrs.NOTHING}
    params: list[str] = []
    body: list[str] = []
    for number, field in enumerate(attrs.fields(klass)):
        if field.validator is not None or field.converter is not None:
            raise _refusal(cls, f"{field.name} has a validator or converter")
        if field.on_setattr not in (None, attrs.setters.NO_OP):
            raise _refusal(cls, f"{field.name} has an on_setattr hook")
        if not field.init or not field.kw_only:
            raise _refusal(cls, f"{field.name} is not a keyword-only init argument")
        name = field.alias
        namespace[f"set{number}"] = cls.__dict__[field.name].__set__
        default = field.default
        if default is attrs.NOTHING:
            params.append(name)
            body.append(f"set{number}(self, {name})")
        elif isinstance(default, attrs.Factory):  # type: ignore[arg-type] # attrs types it oddly
            if default.takes_self:
                raise _refusal(cls, f"{field.name}'s factory takes self")
            namespace[f"factory{number}"] = default.factory
            params.append(f"{name}=NOTHING")
            body.append(f"set{number}(self, factory{number}() if {name} is NOTHING else {name})")
        else:
            namespace[f"default{number}"] = default
            params.append(f"{name}=default{number}")
            body.append(f"set{number}(self, {name})")
    if getattr(cls, "__attrs_post_init__", None) is not None:
        body.append("self.__attrs_post_init__()")
    signature = f"self, *, {', '.join(params)}" if params else "self"
    source = f"def __init__({signature}):\n" + "".join(f"    {line}\n" for line in body or ["pass"])
    exec(compile(source, f"<slot init {cls.__qualname__}>", "exec"), namespace)
    replacement = namespace["__init__"]
    replacement.__qualname__ = f"{cls.__qualname__}.__init__"
    replacement.__doc__ = cls.__init__.__doc__
    REPLACED[cls] = klass.__init__
    setattr(cls, "__init__", replacement)  # noqa: B010 - mypy forbids assigning a method
    return cls


def positional_new(cls: type[T], names: Sequence[str]) -> Callable[..., T]:
    """Return `new(*values)`: an instance of a `slot_init` class, `values` in `names` order.

    For the few places that build one object per symbol per cycle: a positional call skips
    the class call and the keyword parsing, about half of the constructor's cost. The
    caller names every field (in its own order, so a reordered class cannot shift values);
    there are no defaults and no post-init check, so classes with one are refused.
    """
    if cls not in REPLACED:
        raise _refusal(cls, "positional_new needs a slot_init class")
    if getattr(cls, "__attrs_post_init__", None) is not None:
        raise _refusal(cls, "positional_new skips __attrs_post_init__")
    klass: Any = cls
    fields = {field.name for field in attrs.fields(klass)}
    if sorted(names) != sorted(fields):
        raise _refusal(cls, f"positional_new must name every field once: {sorted(fields)}")
    namespace: dict[str, Any] = {"new_object": object.__new__, "cls": cls}
    body = ["self = new_object(cls)"]
    for number, name in enumerate(names):
        namespace[f"set{number}"] = cls.__dict__[name].__set__
        body.append(f"set{number}(self, v{number})")
    body.append("return self")
    arguments = ", ".join(f"v{number}" for number in range(len(names)))
    source = f"def new({arguments}):\n" + "".join(f"    {line}\n" for line in body)
    exec(compile(source, f"<positional new {cls.__qualname__}>", "exec"), namespace)
    new: Callable[..., T] = namespace["new"]
    return new
