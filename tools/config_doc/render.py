"""Render the key tables of docs/config.md from the settings and plugin classes.

Keys, types, defaults and summaries are read from the blueprint's settings classes and the
built-in `PluginSpec`s' attrs param classes, so the tables cannot drift from the code;
`sections.toml` words each section key's meaning, `allowed.toml` the validators' rules and
`formulas.toml` the confidence and severity of each signal. A key without its words, words
without a key, and a signal or threat without a formula are errors, so a new key cannot
ship undocumented.
"""

import enum
import json
import tomllib
import types
import typing
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from tradekernel.domain.enums import PluginKind
from tradekernel.domain.plugin_spec import PluginSpec

HERE = Path(__file__).resolve().parent
BEGIN = "<!-- BEGIN GENERATED: python -m tools.config_doc (do not edit by hand) -->"
END = "<!-- END GENERATED -->"
SECTION_BEGIN = "<!-- BEGIN GENERATED [{name}]: python -m tools.config_doc -->"
SECTION_END = "<!-- END GENERATED [{name}] -->"

# The [universe] section documents the universe plugins; every other kind is listed here.
_DOCUMENTED_KINDS = tuple(kind for kind in PluginKind if kind is not PluginKind.UNIVERSE)
_SCORED_KINDS = {PluginKind.OPPORTUNITY: "Confidence", PluginKind.THREAT: "Severity"}


class DocError(Exception):
    """The catalog and the hand-kept rule or formula files disagree."""


def _type_name(hint: Any) -> str:
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        members = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        names = " or ".join(_type_name(arg) for arg in members)
        # "or absent", never "X | None": a pipe would split the Markdown table cell.
        return f"{names} or absent" if len(members) < len(typing.get_args(hint)) else names
    if origin in (tuple, list):
        args = [arg for arg in typing.get_args(hint) if arg is not Ellipsis]
        return f"list of {_type_name(args[0])}" if args else "list"
    if origin is dict:
        return f"table of {_type_name(typing.get_args(hint)[1])}"
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return f"enum {hint.__name__}"
    plain = {bool: "bool", int: "int", float: "float", str: "str", Decimal: "decimal"}
    if hint in plain:
        return plain[hint]
    return getattr(hint, "__name__", str(hint))


def _default_text(field: "attrs.Attribute[Any]") -> str:
    default: Any = field.default
    if default is attrs.NOTHING:
        return "**required**"
    factory = getattr(default, "factory", None)
    if callable(factory):  # attrs.Factory
        default = factory()
    if default is None:
        return "absent"
    if isinstance(default, bool):
        return f"`{str(default).lower()}`"
    if isinstance(default, enum.Enum):
        return f"`{json.dumps(default.value)}`"
    if isinstance(default, str | Decimal):
        return f"`{json.dumps(str(default))}`"
    if isinstance(default, tuple | list):
        return f"`{json.dumps([str(item) for item in default])}`"
    return f"`{default!r}`"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


_TOML_WORDS = {
    "str": "string",
    "list of str": "list of strings",
    "str or absent": "string",
    "table of str": "table of strings",
}


def _section_type(hint: Any) -> str:
    # The section tables speak TOML ("string"), the plugin tables Python ("str"); an enum
    # is written as its string value.
    name = _type_name(hint)
    if name.startswith("enum "):
        return "string"
    if name.startswith("list of enum "):
        return "list of strings"
    return _TOML_WORDS.get(name, name)


def render_section(name: str, settings: type[Any]) -> str:
    """Return the generated table (markers included) of one blueprint section.

    Raises:
        DocError: a field has no entry in sections.toml, or an entry no field.
    """
    words = dict(_load("sections.toml").get(name, {}))
    columns = words.pop("columns", ["meaning"])
    fields = attrs.fields(settings)
    stale = sorted(set(words) - {field.name for field in fields})
    if stale:
        raise DocError(f"[{name}]: sections.toml describes keys the settings lack: {stale}")
    hints = typing.get_type_hints(settings)
    header = ["key", "type", "default", *columns]
    rows = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for field in fields:
        described = words.get(field.name)
        if described is None:
            raise DocError(f"[{name}].{field.name}: no meaning in tools/config_doc/sections.toml")
        extra = [described] if isinstance(described, str) else list(described)
        cells = [f"`{field.name}`", _section_type(hints[field.name]), _default_text(field)]
        rows.append("| " + " | ".join(_cell(cell) for cell in [*cells, *extra]) + " |")
    begin, end = SECTION_BEGIN.format(name=name), SECTION_END.format(name=name)
    return "\n".join([begin, "", *rows, "", end])


def _param_rows(spec: PluginSpec, rules: dict[str, str], where: str) -> list[str]:
    params = spec.params
    hints = typing.get_type_hints(params)
    fields = attrs.fields(params)
    names = {field.name for field in fields}
    unknown = sorted(set(rules) - names)
    if unknown:
        raise DocError(f"{where}: allowed.toml names params the class lacks: {unknown}")
    rows = ["| key | type | default | allowed |", "|---|---|---|---|"]
    for field in fields:
        if field.name not in rules:
            raise DocError(f"{where}.{field.name}: no rule in tools/config_doc/allowed.toml")
        cells = (
            f"`{field.name}`",
            _type_name(hints[field.name]),
            _default_text(field),
            rules[field.name],
        )
        rows.append("| " + " | ".join(_cell(cell) for cell in cells) + " |")
    return rows


def _load(name: str) -> dict[str, Any]:
    with (HERE / name).open("rb") as handle:
        return tomllib.load(handle)


def render_plugins(specs: Iterable[PluginSpec]) -> str:
    """Return the generated block (markers included) for the given plugin specs.

    Raises:
        DocError: a param has no rule, a rule no param, or a signal or threat no formula.
    """
    allowed = _load("allowed.toml")
    formulas = _load("formulas.toml")
    chosen: Sequence[PluginSpec] = [spec for spec in specs if spec.kind in _DOCUMENTED_KINDS]
    seen = {f"{spec.kind.value}.{spec.name}" for spec in chosen}
    stale = sorted((set(allowed) | set(formulas)) - seen)
    if stale:
        raise DocError(f"rules or formulas for plugins that do not exist: {stale}")
    lines = [BEGIN, ""]
    for kind in _DOCUMENTED_KINDS:
        for spec in (spec for spec in chosen if spec.kind is kind):
            where = f"{kind.value}.{spec.name}"
            lines.extend([f"#### `{kind.value}` `{spec.name}`", ""])
            if spec.summary:
                lines.extend([spec.summary, ""])
            if kind in _SCORED_KINDS:
                formula = formulas.get(where)
                if formula is None:
                    raise DocError(f"{where}: no formula in tools/config_doc/formulas.toml")
                lines.extend([f"{_SCORED_KINDS[kind]}: {formula['text']}", ""])
            if attrs.fields(spec.params):
                lines.extend(_param_rows(spec, allowed.get(where, {}), where))
            else:
                lines.append("No params.")
            lines.append("")
    lines.append(END)
    return "\n".join(lines)


def replace_block(document: str, block: str) -> str:
    """Return `document` with the block between `block`'s own markers replaced by it.

    The markers are the block's first and last lines.

    Raises:
        DocError: the document lacks the markers.
    """
    lines = block.split("\n")
    begin, end = lines[0], lines[-1]
    start = document.find(begin)
    stop = document.find(end)
    if start < 0 or stop < start:
        raise DocError(f"docs/config.md lacks the markers {begin} ... {end}")
    return document[:start] + block + document[stop + len(end) :]
