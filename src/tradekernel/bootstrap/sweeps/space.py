"""The search space of a sweep: `--param 'context.workers[0].period=5:30'` and its kinds.

A parameter is a blueprint key path and a range: integers `5:30` or `20:120:5` (bounds
inclusive), decimals `0.5:2.5:0.25` (written into the blueprint as decimal text, as money
and ratios are), or choices `sma|ema`.
"""

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

from tradekernel.domain.errors import ConfigError


@attrs.frozen
class ParamRange:
    """One searched key path: an integer range, a decimal range, or a list of choices."""

    path: str
    kind: str  # "int" | "decimal" | "choice"
    low: Decimal = Decimal(0)
    high: Decimal = Decimal(0)
    step: Decimal | None = None
    choices: tuple[int | str, ...] = ()

    def grid(self) -> list[int | float | str]:
        """Return every value of the range as Optuna samples it (the grid sampler's axis).

        Raises:
            ConfigError: a decimal range without a step.
        """
        if self.kind == "choice":
            return list(self.choices)
        if self.step is None and self.kind == "decimal":
            raise ConfigError("a grid needs a step on a decimal range (lo:hi:step)", path=self.path)
        step = self.step if self.step is not None else Decimal(1)
        values: list[int | float | str] = []
        value = self.low
        while value <= self.high:
            values.append(int(value) if self.kind == "int" else float(value))
            value += step
        return values

    def value_of(self, number: object) -> object:
        """Return a sampled number as the blueprint takes it (int, or decimal text)."""
        if self.kind == "int":
            return int(Decimal(str(number)))
        if self.kind == "decimal":
            exact = Decimal(str(number))
            if self.step is not None:
                # Snap to the step's grid so a float's tail never reaches the blueprint.
                exact = self.low + ((exact - self.low) / self.step).to_integral_value() * self.step
            return str(exact.normalize()) if exact != exact.to_integral_value() else str(int(exact))
        return number


def _range_bound(text: str, spec: str) -> Decimal:
    try:
        return Decimal(text.strip())
    except InvalidOperation:
        raise ConfigError(f"{text!r} is not a number", path=spec) from None


def _choice_value(text: str) -> int | str:
    stripped = text.strip()
    try:
        return int(stripped)
    except ValueError:
        return stripped


def parse_param(spec: str) -> ParamRange:
    """Read one `--param PATH=RANGE`.

    Raises:
        ConfigError: no `=`, an empty path, a bound that is not a number, or low > high.
    """
    path, sep, text = spec.partition("=")
    path = path.strip()
    if not sep or not path or not text.strip():
        raise ConfigError("write PATH=LO:HI[:STEP] or PATH=A|B|C", path=spec)
    if "|" in text:
        return ParamRange(path, "choice", choices=tuple(_choice_value(t) for t in text.split("|")))
    parts = text.split(":")
    if len(parts) not in (2, 3):
        raise ConfigError("a range is LO:HI or LO:HI:STEP", path=spec)
    low, high = _range_bound(parts[0], spec), _range_bound(parts[1], spec)
    step = _range_bound(parts[2], spec) if len(parts) == 3 else None
    if low > high or (step is not None and step <= 0):
        raise ConfigError("a range needs LO <= HI and a positive STEP", path=spec)
    integral = all("." not in p and "e" not in p.lower() for p in parts)
    return ParamRange(path, "int" if integral else "decimal", low, high, step)


def suggest(trial: Any, space: Sequence[ParamRange]) -> dict[str, object]:
    """Ask an Optuna trial for one value of each parameter, as blueprint overrides."""
    values: dict[str, object] = {}
    for param in space:
        if param.kind == "choice":
            picked = trial.suggest_categorical(param.path, list(param.choices))
        elif param.kind == "int":
            step = int(param.step) if param.step is not None else 1
            picked = trial.suggest_int(param.path, int(param.low), int(param.high), step=step)
        else:
            step_f = float(param.step) if param.step is not None else None
            picked = trial.suggest_float(
                param.path, float(param.low), float(param.high), step=step_f
            )
        values[param.path] = param.value_of(picked)
    return values


def stored_overrides(params: dict[str, Any], space: Sequence[ParamRange]) -> dict[str, object]:
    """Return a stored trial's Optuna params as blueprint overrides (a resumed trial's)."""
    return {p.path: p.value_of(params[p.path]) for p in space if p.path in params}
