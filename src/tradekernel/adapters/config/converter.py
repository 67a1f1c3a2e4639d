"""A strict cattrs converter: exact scalar types, Decimal from strings, unknown keys refused.

cattrs' defaults are lenient in ways that are dangerous for trading config: `"false"`
becomes True, `1.9` becomes 1, and Decimal is not supported at all. Here every scalar hook
is registered before anything else, and every error is reported with its key path.
"""

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from enum import Enum, IntEnum, StrEnum
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.errors import ClassValidationError
from cattrs.gen import make_dict_structure_fn

from tradekernel.adapters.config.suggest import unknown_names
from tradekernel.domain.errors import ConfigError

T = TypeVar("T")


def _type_and_value(value: object) -> str:
    return f"{type(value).__name__} {value!r}"


def _structure_decimal(value: object, _: type) -> Decimal:
    # Floats are refused: 0.1 in TOML is already the binary 0.1000000000000000055...
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise TypeError(f"expected a decimal string, got {_type_and_value(value)}")
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"expected a decimal string, got {_type_and_value(value)}") from None
    if not number.is_finite():
        raise ValueError(f"expected a finite decimal, got {_type_and_value(value)}")
    return number


def _structure_int(value: object, _: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"expected an integer, got {_type_and_value(value)}")
    return value


def _structure_float(value: object, _: type) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"expected a number, got {_type_and_value(value)}")
    return float(value)


def _structure_bool(value: object, _: type) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"expected true or false, got {_type_and_value(value)}")
    return value


def _structure_str(value: object, _: type) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {_type_and_value(value)}")
    return value


def _structure_enum(value: object, cls: type[Enum]) -> Enum:
    members = ", ".join(repr(member.value) for member in cls)
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise TypeError(f"expected one of {members}, got {_type_and_value(value)}")
    try:
        return cls(value)
    except ValueError:
        raise ValueError(f"expected one of {members}, got {value!r}") from None


def strict_converter() -> cattrs.Converter:
    """Return a converter with strict scalars, Decimal support and forbidden extra keys."""
    converter = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    # Class hooks dispatch on the most specific class in the MRO: registering the enum
    # bases as well keeps a StrEnum (a str) or an IntEnum (an int) out of the plain hooks.
    for cls, hook in (
        (Decimal, _structure_decimal),
        (int, _structure_int),
        (float, _structure_float),
        (bool, _structure_bool),
        (str, _structure_str),
        (Enum, _structure_enum),
        (StrEnum, _structure_enum),
        (IntEnum, _structure_enum),
    ):
        converter.register_structure_hook(cls, hook)
    converter.register_unstructure_hook(Decimal, str)

    def attrs_hook(cls: type[Any]) -> Callable[[Any, type[Any]], Any]:
        generated = make_dict_structure_fn(cls, converter, _cattrs_forbid_extra_keys=True)

        def structure(data: Any, target: type[Any]) -> Any:
            if not isinstance(data, dict):
                raise TypeError(f"expected a table, got {_type_and_value(data)}")
            try:
                return generated(data, target)
            except (ValueError, TypeError) as error:
                # A validator of the class itself: report it at the class's path.
                raise ClassValidationError(f"invalid {cls.__name__}", [error], cls) from None

        return structure

    converter.register_structure_hook_factory(attrs.has, attrs_hook)
    return converter


def _format(exception: BaseException, _type: type | None) -> str:
    if isinstance(exception, KeyError):
        return f"required key {exception.args[0]!r} is missing"
    if isinstance(exception, cattrs.ForbiddenExtraKeysError):
        known = (
            [field.name for field in attrs.fields(exception.cl)] if attrs.has(exception.cl) else []
        )
        return "unknown keys: " + unknown_names(exception.extra_fields, known)
    message = str(exception)
    return message or type(exception).__name__


def structure(
    converter: cattrs.Converter, data: Any, cls: type[T], *, path: str = "", file: str | None = None
) -> T:
    """Structure `data` into `cls` or raise one ConfigError listing every problem.

    Raises:
        ConfigError: with one line per error, each as `message @ key.path`.
    """
    try:
        return converter.structure(data, cls)
    except (cattrs.BaseValidationError, ValueError, TypeError) as error:
        if isinstance(error, cattrs.BaseValidationError):
            lines = cattrs.transform_error(error, path="$", format_exception=_format)
        else:
            lines = [f"{_format(error, None)} @ $"]
        rendered = [_rebase(line, path) for line in lines]
        where = f" in {file}" if file else ""
        config_error = ConfigError(
            f"{len(rendered)} configuration error(s){where}:\n  " + "\n  ".join(rendered)
        )
        # The lines already carry their paths; keep the structured fields for callers.
        config_error.path, config_error.file = path, file
        raise config_error from None


def _rebase(line: str, prefix: str) -> str:
    message, _, location = line.rpartition(" @ ")
    relative = location.removeprefix("$").removeprefix(".")
    full = ".".join(part for part in (prefix, relative) if part).replace(".[", "[")
    return f"{message} @ {full or '(top level)'}"
