"""Canonical JSON written straight from attrs values, byte-identical to the cattrs path.

The reference text of a value is `json.dumps(converter.unstructure(value), sort_keys=True,
separators=(",", ":"), ensure_ascii=True)`. JSON text is compositional, so the text of an
attrs value is `{` + its fields sorted by name, each `"name":` + the text of
`hook(field)` + `}`, where `hook` is the unstructure hook cattrs picks for the field's
declared type. For each type met, this module compiles once a function that writes that
text directly, with keys pre-sorted and pre-escaped and no intermediate dicts.

Every writer either returns exactly the reference text or raises (then the caller falls
back to the reference path). Hooks it does not recognise (sets, custom hooks, ...) are
written as `dumps(hook(value))`, which is the reference text by definition.
"""

import json
import math
from collections.abc import Callable, Mapping, MutableSequence, Sequence
from decimal import Decimal
from json.encoder import encode_basestring_ascii
from types import NoneType, UnionType
from typing import Any, Final, TypeVar, Union, get_args, get_origin

import attrs
import cattrs
from cattrs.fns import identity

Writer = Callable[[Any], str]

_SEQUENCES: tuple[Any, ...] = (tuple, list, Sequence, MutableSequence)
_MAPPINGS: tuple[Any, ...] = (dict, Mapping)
_EMPTY: tuple[()] = ()


def dumps(data: Any) -> str:
    """Return the canonical JSON text of plain data (the reference encoder)."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def float_text(value: float) -> str:
    """Return a float as json.dumps writes it (repr, or NaN / Infinity / -Infinity)."""
    if math.isnan(value):
        return "NaN"
    if value == float("inf"):
        return "Infinity"
    if value == float("-inf"):
        return "-Infinity"
    return float.__repr__(value)


def plain_text(value: Any) -> str:
    """Return the canonical JSON text of a value cattrs passes through unchanged."""
    cls = value.__class__
    if cls is str:
        return encode_basestring_ascii(value)
    if cls is int:
        return int.__repr__(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if cls is float:
        return float_text(value)
    return dumps(value)


class CanonicalWriter:
    """Compile and cache, per type, functions that write canonical JSON text.

    The converter must be fully configured before the first write: the writers read its
    hooks when they are compiled and do not see hooks registered later.
    """

    def __init__(self, converter: cattrs.Converter) -> None:
        self._converter = converter
        self._writers: dict[Any, Writer] = {}
        self._compiling: set[Any] = set()
        self._count = 0

    def write(self, value: Any) -> str:
        """Return the canonical JSON text of `value`, dispatched on its runtime class.

        Raises:
            Exception: whatever the value's own attributes raise; the reference path
                either raises too or must be used instead (see `canonical_json`).
        """
        writer = self._writers.get(value.__class__)
        if writer is None:
            writer = self.writer_for(value.__class__)
        return writer(value)

    def writer_for(self, declared: Any) -> Writer:
        """Return the writer of a value whose declared type is `declared`."""
        writer = self._writers.get(declared)
        if writer is not None:
            return writer
        if declared in self._compiling:
            return self._late(declared)
        self._compiling.add(declared)
        try:
            writer = self._compile(declared)
        finally:
            self._compiling.discard(declared)
        self._writers[declared] = writer
        return writer

    def _late(self, declared: Any) -> Writer:
        """Return a writer of a recursive type that finds the compiled one when called."""
        writers = self._writers

        def write(value: Any) -> str:
            return writers[declared](value)

        return write

    def _compile(self, declared: Any) -> Writer:
        globs: dict[str, Any] = {}
        hook = self._converter.get_unstructure_hook(declared)
        if self._is_plain_attrs(declared, hook):
            return self._attrs_writer(declared, globs)
        return self._function(f"    return {self._expr(declared, 'value', globs)}", globs)

    def _is_plain_attrs(self, declared: Any, hook: Any) -> bool:
        """Tell whether cattrs writes `declared` as the plain dict of its init fields."""
        if not (isinstance(declared, type) and attrs.has(declared)):
            return False
        if getattr(declared, "__parameters__", ()) or self._converter.omit_if_default:
            return False
        if any(field.type is Final for field in attrs.fields(declared)):
            return False  # cattrs dispatches a bare Final on the default's class
        # cattrs names its generated hook after the class and lists renames, omissions
        # and annotated overrides in `overrides`: with none, keys are the field names.
        name = getattr(hook, "__name__", "")
        return name == f"unstructure_{declared.__name__}" and not getattr(hook, "overrides", True)

    def _attrs_writer(self, cls: type[Any], globs: dict[str, Any]) -> Writer:
        fields = sorted((f for f in attrs.fields(cls) if f.init), key=lambda f: f.name)
        pieces: list[str] = []
        for index, field in enumerate(fields):
            key = ("{" if index == 0 else ",") + encode_basestring_ascii(field.name) + ":"
            if "\\" in key or "'" in key:
                pieces.append(f"{{{self._name(globs, key)}}}")
            else:
                pieces.append(key.replace("{", "{{"))
            source = f"value.{field.name}"
            if field.type is None or isinstance(field.type, TypeVar):
                pieces.append(f"{{{self._name(globs, self.write)}({source})}}")
            else:
                pieces.append(self._piece(field.type, source, globs))
        pieces.append("}}" if fields else "{{}}")
        return self._function(f"    return f'''{''.join(pieces)}'''", globs)

    def _name(self, globs: dict[str, Any], value: Any) -> str:
        self._count += 1
        name = f"_g{self._count}"
        globs[name] = value
        return name

    def _var(self) -> str:
        self._count += 1
        return f"x{self._count}"

    def _function(self, body: str, globs: dict[str, Any]) -> Writer:
        globs.update(_GLOBALS)
        namespace: dict[str, Any] = {}
        source = f"def write(value):\n{body}\n"
        exec(compile(source, "<canonical_writer>", "exec"), globs, namespace)
        writer: Writer = namespace["write"]
        return writer

    def _piece(self, declared: Any, source: str, globs: dict[str, Any]) -> str:
        """Return an f-string piece (replacement fields and literal text) for one value."""
        hook = self._converter.get_unstructure_hook(declared)
        var = self._var()
        # Exact ints and Decimals are formatted by the f-string itself (no call); str() of
        # a Decimal never needs escaping. Anything else is passed to the exact helpers.
        if hook is identity and declared is int:
            return f"{{({var} if ({var} := {source}).__class__ is _int else _plain({var}))!s}}"
        if hook is str and declared is Decimal:
            return f'"{{({var} if ({var} := {source}).__class__ is _D else _inner({var}))!s}}"'
        return f"{{{self._expr(declared, source, globs)}}}"

    def _expr(self, declared: Any, source: str, globs: dict[str, Any]) -> str:
        """Return an expression (no quotes but double, no braces) for the text of `source`."""
        hook = self._converter.get_unstructure_hook(declared)
        origin = get_origin(declared)
        args = get_args(declared)
        var = self._var()
        if hook is identity:
            # cattrs passes the value through: its text is json's text of the raw value.
            if isinstance(declared, type) and issubclass(declared, str):
                return f"_esc({source})"
            if declared is int:
                return f"(_str({var}) if ({var} := {source}).__class__ is _int else _plain({var}))"
            if declared is bool:
                return (
                    f'("true" if ({var} := {source}) is True '
                    f'else "false" if {var} is False else _plain({var}))'
                )
            return f"_plain({source})"
        if hook is str and declared is Decimal:
            return f"_esc(_str({source}))"
        if self._is_plain_attrs(declared, hook):
            return f"{self._name(globs, self.writer_for(declared))}({source})"
        if hook == self._converter.unstructure:
            return f"{self._name(globs, self.write)}({source})"
        name = getattr(hook, "__name__", "")
        if origin in (Union, UnionType) and name == "unstructure_optional" and len(args) == 2:
            other = args[0] if args[1] is NoneType else args[1]
            return f'("null" if ({var} := {source}) is None else {self._expr(other, var, globs)})'
        if origin in (Union, UnionType) and name == "_unstructure_union":
            # cattrs unstructures a union member by its runtime class; so do we.
            return f"{self._name(globs, self.write)}({source})"
        if origin is tuple and args and args[-1] is not Ellipsis and name == "unstructure_tuple":
            # A fixed-shape tuple: cattrs reads exactly these positions, in this order.
            first = f"({var} := {source})"
            items = ' + "," + '.join(
                f"{self._name(globs, self.writer_for(arg))}({var if index else first}[{index}])"
                for index, arg in enumerate(args)
            )
            return f'("[" + {items} + "]")'
        if origin in _SEQUENCES and _probe(hook, (), (list, tuple)):
            element = self._name(globs, self.writer_for(args[0] if args else Any))
            return (
                f'("[]" if ({var} := {source}) is _EMPTY '
                f'else "[" + _join(_map({element}, {var})) + "]")'
            )
        if origin in _MAPPINGS and len(args) == 2 and args[0] is str and _probe(hook, {}, dict):
            element = self._name(globs, self.writer_for(args[1]))
            pairs = f'[_esc(k) + ":" + {element}(v) for k, v in _sorted({source}.items())]'
            return f"(_OPEN + _join({pairs}) + _CLOSE)"
        # Sets and anything unrecognised: the reference text of what cattrs makes of it.
        return f"_dumps({self._name(globs, hook)}({source}))"


def _inner(value: Any) -> str:
    """Return str(value) as the inside of a JSON string (what cattrs's str hook gives)."""
    return encode_basestring_ascii(str(value))[1:-1]


_GLOBALS: dict[str, Any] = {
    "_esc": encode_basestring_ascii,
    "_str": str,
    "_int": int,
    "_D": Decimal,
    "_inner": _inner,
    "_plain": plain_text,
    "_dumps": dumps,
    "_join": ",".join,
    "_map": map,
    "_sorted": sorted,
    "_EMPTY": _EMPTY,
    "_OPEN": "{",
    "_CLOSE": "}",
}


def _probe(hook: Any, empty: object, expected: type[Any] | tuple[type[Any], ...]) -> bool:
    """Tell whether the hook turns an empty collection into `expected` (a JSON array/object)."""
    try:
        return isinstance(hook(empty), expected)
    except Exception:  # a hook that cannot take it is simply not recognised
        return False
