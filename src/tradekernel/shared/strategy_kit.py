"""A strategy in one file: decorators that turn plain numpy functions into plugins.

The user writes the maths; the kit supplies what every plugin repeats: the `PluginSpec`,
a frozen parameter class validated strictly by the blueprint loader (types, ranges), the
worker objects, the opportunity's deterministic signal id, confidence score and reason (its
causality), and the candidate mask that lets the sparse backtest skip quiet bars. Users
reach it as `tk.indicator`, `tk.opportunity` (`opportunity_rule`), `tk.param`,
`tk.column` (`column_param`) and `tk.previous` (`previous_bar`):

    @tk.indicator(period=tk.param(12, min=1), warmup="period")
    def roc(bars, period): ...  # one float column, as long as `bars`

    @tk.opportunity(roc=tk.column("roc"), confidence=0.6)
    def roc_cross(roc): ...  # per bar: > 0 buy, < 0 sell, 0 or NaN nothing

    SPECS = (roc, roc_cross)

`tradekernel new strategy NAME` writes a complete module (`bootstrap/scaffold.py`).

An indicator returns one column as long as `bars`, NaN where undefined, reading only bars
up to each index (`tradekernel check-lookahead` proves it). An opportunity rule returns,
per bar, a positive value to buy, negative to sell, 0 or NaN for nothing; it may read the
bar and the one before it (`tk.previous`), because a signal worker sees a bar's features and
the previous bar's: the kit runs the same rule over the whole history for the candidate
mask and over those two bars when planning (`--verify-sparse` checks the two agree).
"""

from collections.abc import Callable, Mapping
from typing import Any

import attrs
import numpy as np

from tradekernel.domain.enums import PluginKind, Side
from tradekernel.domain.plugin_spec import PluginSpec
from tradekernel.domain.signals import ContextAssessment, FeatureSnapshot, OpportunitySignal
from tradekernel.shared.bars import BarSeries, FloatArray
from tradekernel.shared.candidates import BoolArray
from tradekernel.shared.ids import derive_id
from tradekernel.shared.quantize import to_score

_SCALARS = (bool, int, float, str)


@attrs.frozen
class Param:
    """A parameter's default and its allowed range (inclusive), checked when a blueprint loads."""

    default: Any
    min: float | None = None
    max: float | None = None


@attrs.frozen
class Column:
    """A parameter naming a feature column; the rule receives that column's values."""

    default: str


def param(default: Any, *, min: float | None = None, max: float | None = None) -> Param:
    """Declare a parameter with a default and an optional inclusive range."""
    return Param(default, min, max)


def column_param(default: str) -> Column:
    """Declare a parameter naming a feature column (default `default`) the rule reads."""
    return Column(default)


def previous_bar(values: FloatArray) -> FloatArray:
    """Return `values` shifted one bar later: the value of the bar before, NaN at the first."""
    array = np.asarray(values, dtype=np.float64)
    shifted = np.empty_like(array)
    shifted[:1] = np.nan
    shifted[1:] = array[:-1]
    return shifted


def _range_check(low: float | None, high: float | None) -> Callable[[Any, Any, Any], None]:
    def check(_instance: Any, attribute: Any, value: Any) -> None:
        if low is not None and value < low:
            raise ValueError(f"{attribute.name} must be >= {low}, got {value}")
        if high is not None and value > high:
            raise ValueError(f"{attribute.name} must be <= {high}, got {value}")

    return check


def _params_class(plugin: str, declared: Mapping[str, Any]) -> type[Any]:
    """Return a frozen attrs class with one typed, defaulted field per declared parameter."""
    fields: dict[str, Any] = {}
    for name, declaration in declared.items():
        value = declaration.default if isinstance(declaration, Column) else declaration
        spec = value if isinstance(value, Param) else Param(value)
        default = spec.default
        if not isinstance(default, _SCALARS):
            raise TypeError(f"{plugin}: parameter {name} default must be bool, int, float or str")
        validator = (
            _range_check(spec.min, spec.max) if (spec.min, spec.max) != (None, None) else None
        )
        fields[name] = attrs.field(default=default, type=type(default), validator=validator)
    return attrs.make_class(
        f"{plugin.title().replace('_', '')}Params", fields, frozen=True, kw_only=True
    )


def _summary(function: Callable[..., Any]) -> str:
    return (function.__doc__ or "").strip().split("\n")[0]


class _ColumnIndicator:
    """A context worker computing one column with the user's function."""

    def __init__(self, function: Callable[..., Any], warmup: str | int, params: Any) -> None:
        self._function = function
        self._params = params
        self._values = {k: v for k, v in attrs.asdict(params).items() if k != "key"}
        self.warmup = int(getattr(params, warmup) if isinstance(warmup, str) else warmup)

    @property
    def name(self) -> str:
        return str(self._params.key)

    @property
    def outputs(self) -> tuple[str, ...]:
        return (self.name,)

    def compute(self, bars: BarSeries) -> dict[str, FloatArray]:
        """Return the user's column, checked to be as long as `bars`."""
        values = np.asarray(self._function(bars, **self._values), dtype=np.float64)
        if values.shape != (len(bars),):
            raise ValueError(
                f"indicator {self.name} returned shape {values.shape}, expected ({len(bars)},)"
            )
        return {self.name: values}


class _RuleOpportunity:
    """An opportunity worker applying the user's rule to its columns."""

    def __init__(self, rule: Callable[..., Any], columns: tuple[str, ...], params: Any) -> None:
        self._rule = rule
        self._params = params
        self._columns = {name: str(getattr(params, name)) for name in columns}
        self._values = {
            k: v
            for k, v in attrs.asdict(params).items()
            if k not in {"name", "confidence", *columns}
        }

    @property
    def name(self) -> str:
        return str(self._params.name)

    def _apply(self, arrays: Mapping[str, FloatArray]) -> FloatArray:
        return np.asarray(self._rule(**arrays, **self._values), dtype=np.float64)

    def evaluate(
        self, snapshot: FeatureSnapshot, assessment: ContextAssessment
    ) -> OpportunitySignal | None:
        """Return a signal where the rule, on this bar and the one before, is non-zero."""
        pairs = {
            name: np.array(
                [snapshot.previous.get(col, np.nan), snapshot.current.get(col, np.nan)],
                dtype=np.float64,
            )
            for name, col in self._columns.items()
        }
        value = float(self._apply(pairs).reshape(-1)[-1])
        if not np.isfinite(value) or value == 0.0:
            return None
        side = Side.BUY if value > 0 else Side.SELL
        moves = ", ".join(
            f"{col} {pairs[name][0]:.6g} -> {pairs[name][1]:.6g}"
            for name, col in self._columns.items()
        )
        return OpportunitySignal(
            signal_id=derive_id("opp", self.name, snapshot.symbol, snapshot.ts_ms, side.value),
            source=self.name,
            symbol=snapshot.symbol,
            ts_ms=snapshot.ts_ms,
            side=side,
            confidence=to_score(float(self._params.confidence)),
            reason=moves or "rule fired",
        )

    def candidate_mask(self, bars: BarSeries, features: Mapping[str, FloatArray]) -> BoolArray:
        """Return True on every bar where the rule, over the whole history, is non-zero."""
        nan = np.full(len(bars), np.nan)
        values = self._apply({n: features.get(c, nan) for n, c in self._columns.items()})
        mask: BoolArray = np.isfinite(values) & (values != 0.0)
        return mask


def indicator(
    name: str | None = None, *, warmup: str | int = 0, **params: Any
) -> Callable[[Callable[..., Any]], PluginSpec]:
    """Make a context worker from `function(bars, **params) -> column`.

    Args:
        name: the blueprint `type` (default: the function's name).
        warmup: bars before the first value: an int, or the name of a parameter.
        **params: each parameter's default, or `param(default, min=, max=)`.

    The blueprint may also set `key`, the column's name (default: `name`).
    """

    def make(function: Callable[..., Any]) -> PluginSpec:
        plugin = name or function.__name__
        declared = {"key": plugin, **params}
        if isinstance(warmup, str) and warmup not in params:
            raise TypeError(f"indicator {plugin}: warmup names no parameter {warmup!r}")
        return PluginSpec(
            kind=PluginKind.CONTEXT_WORKER,
            name=plugin,
            params=_params_class(plugin, declared),
            factory=lambda p: _ColumnIndicator(function, warmup, p),
            summary=_summary(function),
            provides=lambda p: (str(p.key),),
        )

    return make


def opportunity_rule(
    name: str | None = None, *, confidence: float = 1.0, **params: Any
) -> Callable[[Callable[..., Any]], PluginSpec]:
    """Make an opportunity worker from `rule(**columns, **params) -> side per bar`.

    Args:
        name: the blueprint `type` and the signal's source (default: the function's name).
        confidence: every signal's confidence, 0..1 (the blueprint may set it).
        **params: `tk.column(default)` for each feature column the rule reads (it receives
            the values), a default or `param(...)` for each other parameter.
    """

    def make(rule: Callable[..., Any]) -> PluginSpec:
        plugin = name or rule.__name__
        columns = tuple(k for k, v in params.items() if isinstance(v, Column))
        declared = {
            "name": plugin,
            "confidence": Param(float(confidence), 0.0, 1.0),
            **params,
        }
        return PluginSpec(
            kind=PluginKind.OPPORTUNITY,
            name=plugin,
            params=_params_class(plugin, declared),
            factory=lambda p: _RuleOpportunity(rule, columns, p),
            summary=_summary(rule),
            requires=lambda p: tuple(str(getattr(p, c)) for c in columns),
        )

    return make
