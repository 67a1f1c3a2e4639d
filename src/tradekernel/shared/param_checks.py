"""attrs validators for plugin parameters: each error names the field and the bad value."""

from collections.abc import Callable, Collection
from decimal import Decimal
from typing import Any

import attrs

Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]


def field_path(instance: object, attribute: "attrs.Attribute[Any]") -> str:
    """Return `Class.field`, how planner params validators name the field they refuse."""
    return f"{type(instance).__name__}.{attribute.name}"


def at_least(minimum: int | float | Decimal) -> Validator:
    """Return a validator refusing values below `minimum`.

    Raises:
        ValueError: from the validator, e.g. `period must be >= 1, got 0`.
    """

    def check(_instance: Any, attribute: "attrs.Attribute[Any]", value: Any) -> None:
        if value < minimum:
            raise ValueError(f"{attribute.name} must be >= {minimum}, got {value}")

    return check


def above(minimum: int | float | Decimal) -> Validator:
    """Return a validator refusing values not strictly above `minimum`.

    Raises:
        ValueError: from the validator, e.g. `multiplier must be > 0, got 0`.
    """

    def check(_instance: Any, attribute: "attrs.Attribute[Any]", value: Any) -> None:
        if not value > minimum:
            raise ValueError(f"{attribute.name} must be > {minimum}, got {value}")

    return check


def at_most(maximum: int | float | Decimal) -> Validator:
    """Return a validator refusing values above `maximum`.

    Raises:
        ValueError: from the validator, e.g. `threshold must be <= 1, got 2`.
    """

    def check(_instance: Any, attribute: "attrs.Attribute[Any]", value: Any) -> None:
        if value > maximum:
            raise ValueError(f"{attribute.name} must be <= {maximum}, got {value}")

    return check


def one_of(choices: Collection[str], *, qualified: bool = False) -> Validator:
    """Return a validator refusing strings (or StrEnum members) outside `choices`.

    Args:
        choices: The accepted values.
        qualified: Name the field as `Class.field` (the planner params' style) instead of
            `field` (the plugin params' style).

    Raises:
        ValueError: from the validator, e.g. `source must be one of close, hl2, got 'mid'`.
    """
    listed = ", ".join(sorted(choices))

    def check(instance: Any, attribute: "attrs.Attribute[Any]", value: Any) -> None:
        if value not in choices:
            where = field_path(instance, attribute) if qualified else attribute.name
            raise ValueError(f"{where} must be one of {listed}, got {value!r}")

    return check


def non_empty(_instance: Any, attribute: "attrs.Attribute[Any]", value: Any) -> None:
    """Refuse an empty string or collection.

    Raises:
        ValueError: e.g. `key must not be empty`.
    """
    if len(value) == 0:
        raise ValueError(f"{attribute.name} must not be empty")
