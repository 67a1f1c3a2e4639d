"""Frozen planner settings: which modules run with which parameters, and how to score.

Module parameters are frozen attrs classes owned by each module; `ModuleConfig` pairs a
registry name with an instance of that class, so presets are plain Python data and the
TOML loader can structure overrides strictly into the same classes.
"""

from decimal import Decimal
from typing import Any

import attrs


@attrs.frozen(kw_only=True)
class ModuleConfig:
    """One enabled module: its registry `name` and its parameter object."""

    name: str
    params: Any


@attrs.frozen(kw_only=True)
class SimulationSettings:
    """`fee_rate` is charged on every notional; `cash_reserve` is kept back from buys."""

    fee_rate: Decimal = Decimal("0.001")
    cash_reserve: Decimal = Decimal("0.05")


@attrs.frozen(kw_only=True)
class EvaluationSettings:
    """Weights of the end-state score components and the optional Monte Carlo stress test.

    `cost_scale` turns fees into a score: fees of `1 / cost_scale` of equity score 0.
    `monte_carlo_runs` = 0 disables the stochastic component; `seed` keeps it reproducible.
    """

    alignment_weight: Decimal = Decimal("0.4")
    diversification_weight: Decimal = Decimal("0.2")
    cost_weight: Decimal = Decimal("0.2")
    risk_weight: Decimal = Decimal("0.2")
    stress_weight: Decimal = Decimal("0")
    cost_scale: Decimal = Decimal("100")
    default_volatility: Decimal = Decimal("0.6")
    monte_carlo_runs: int = 0
    seed: int = 7


@attrs.frozen(kw_only=True)
class SearchSettings:
    """Bounds of the search: actions per sequence, sequences kept, runners-up reported.

    `allow_what_if` is the user's permission to execute a constraint-relaxation sequence;
    without it (the default) a "what if" is only reported.
    """

    max_actions: int = 4
    max_sequences: int = 2000
    runners_up: int = 3
    allow_what_if: bool = False


@attrs.frozen(kw_only=True)
class PlannerSettings:
    """Everything a planner needs; `target_source` is "config" or "state"."""

    calculators: tuple[ModuleConfig, ...]
    patterns: tuple[ModuleConfig, ...]
    generators: tuple[ModuleConfig, ...]
    filters: tuple[ModuleConfig, ...] = ()
    simulation: SimulationSettings = attrs.Factory(SimulationSettings)
    evaluation: EvaluationSettings = attrs.Factory(EvaluationSettings)
    search: SearchSettings = attrs.Factory(SearchSettings)
    target_source: str = "config"
    target_weights: tuple[tuple[str, Decimal], ...] = ()


@attrs.frozen(kw_only=True)
class Sliders:
    """User-facing knobs in 0..1, mapped to technical parameters by `sliders.apply_sliders`."""

    risk_appetite: Decimal = Decimal("0.5")
    turnover: Decimal = Decimal("0.5")
    cash_reserve: Decimal = Decimal("0.5")
