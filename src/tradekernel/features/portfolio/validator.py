"""Check planner settings: values in range and dependencies between modules.

Every error is a `ConfigError` naming the key path, e.g.
`portfolio.buckets.core.modules.calculators.rebalance_buys`.
"""

from decimal import Decimal

import attrs

from tradekernel.domain.errors import ConfigError
from tradekernel.features.portfolio.registry import TARGET_WEIGHTS, ModuleKind, lookup
from tradekernel.features.portfolio.settings import ModuleConfig, PlannerSettings

ZERO, ONE = Decimal(0), Decimal(1)
MAX_TOP_N = 12
MAX_ACTIONS = 8
# Decimal parameters that are not fractions of 0..1, with their allowed range.
_RANGES: dict[str, tuple[Decimal, Decimal]] = {
    "gain_threshold": (ZERO, Decimal(10)),
    "buy_fraction": (ZERO, Decimal(3)),
    "max_correlation": (-ONE, ONE),
}


def _check_range(value: Decimal, low: Decimal, high: Decimal, path: str) -> None:
    if not low <= value <= high:
        raise ConfigError(f"must be within {low}..{high}, got {value}", path=path)


def _check_params(module: ModuleConfig, path: str) -> None:
    for field in attrs.fields(type(module.params)):
        value = getattr(module.params, field.name)
        where = f"{path}.{field.name}"
        if isinstance(value, Decimal):
            low, high = _RANGES.get(field.name, (ZERO, ONE))
            _check_range(value, low, high, where)
        elif isinstance(value, bool):
            continue
        elif isinstance(value, int):
            if value < 0:
                raise ConfigError(f"must not be negative, got {value}", path=where)
            if field.name == "top_n" and not 1 <= value <= MAX_TOP_N:
                raise ConfigError(f"must be within 1..{MAX_TOP_N}, got {value}", path=where)
        elif isinstance(value, tuple):
            for index, item in enumerate(value):
                if isinstance(item, Decimal) and not ZERO < item < ONE:
                    raise ConfigError(
                        f"must be within 0..1 exclusive, got {item}", path=f"{where}[{index}]"
                    )
    params = module.params
    if hasattr(params, "min_loss") and params.min_loss > params.max_loss:
        raise ConfigError(
            f"min_loss {params.min_loss} exceeds max_loss {params.max_loss}",
            path=f"{path}.min_loss",
        )


def _check_modules(settings: PlannerSettings, prefix: str) -> None:
    enabled_calculators = {m.name for m in settings.calculators}
    has_targets = settings.target_source == "state" or bool(settings.target_weights)
    for kind in ModuleKind:
        modules: tuple[ModuleConfig, ...] = getattr(settings, kind.value)
        seen: set[str] = set()
        for module in modules:
            path = f"{prefix}.modules.{kind.value}.{module.name}"
            spec = lookup(kind, module.name)
            if spec is None:
                raise ConfigError(f"unknown {kind.value[:-1]} {module.name!r}", path=path)
            if module.name in seen:
                raise ConfigError(f"{module.name!r} is configured twice", path=path)
            seen.add(module.name)
            if not isinstance(module.params, spec.params):
                got = type(module.params).__name__
                raise ConfigError(
                    f"parameters must be {spec.params.__name__}, got {got}", path=path
                )
            _check_params(module, path)
            for need in spec.requires:
                if need == TARGET_WEIGHTS and not has_targets:
                    raise ConfigError(
                        f"{module.name} needs target weights: set target_weights or"
                        ' target_source = "state"',
                        path=path,
                    )
                if need.startswith("calculator:"):
                    options = need.removeprefix("calculator:").split("|")
                    if not enabled_calculators & set(options):
                        raise ConfigError(
                            f"pattern {module.name} needs calculator {' or '.join(options)}",
                            path=path,
                        )
    for kind in (ModuleKind.CALCULATOR, ModuleKind.GENERATOR):
        if not getattr(settings, kind.value):
            raise ConfigError(
                f"at least one {kind.value[:-1]} is required", path=f"{prefix}.modules.{kind.value}"
            )


def _check_targets(settings: PlannerSettings, prefix: str) -> None:
    if settings.target_source not in {"config", "state"}:
        raise ConfigError(
            f'must be "config" or "state", got {settings.target_source!r}',
            path=f"{prefix}.target_source",
        )
    total = ZERO
    for symbol, weight in settings.target_weights:
        _check_range(weight, ZERO, ONE, f"{prefix}.target_weights.{symbol}")
        total += weight
    if total > ONE:
        raise ConfigError(f"weights add up to {total} > 1", path=f"{prefix}.target_weights")


def validate(settings: PlannerSettings, prefix: str = "portfolio") -> PlannerSettings:
    """Return `settings` unchanged if valid.

    Raises:
        ConfigError: at the first problem, naming its key path under `prefix`.
    """
    sim, ev, search = settings.simulation, settings.evaluation, settings.search
    _check_range(sim.fee_rate, ZERO, Decimal("0.1"), f"{prefix}.simulation.fee_rate")
    _check_range(sim.cash_reserve, ZERO, Decimal("0.99"), f"{prefix}.simulation.cash_reserve")
    weight_sum = ZERO
    for name in ("alignment", "diversification", "cost", "risk", "stress"):
        weight: Decimal = getattr(ev, f"{name}_weight")
        _check_range(weight, ZERO, Decimal(10), f"{prefix}.evaluation.{name}_weight")
        weight_sum += weight
    if weight_sum <= 0:
        raise ConfigError("at least one score weight must be positive", path=f"{prefix}.evaluation")
    if ev.stress_weight > 0 and ev.monte_carlo_runs <= 0:
        raise ConfigError(
            "stress_weight needs monte_carlo_runs > 0", path=f"{prefix}.evaluation.monte_carlo_runs"
        )
    _check_range(
        Decimal(ev.monte_carlo_runs),
        ZERO,
        Decimal(100_000),
        f"{prefix}.evaluation.monte_carlo_runs",
    )
    _check_range(
        ev.cost_scale, Decimal("0.000001"), Decimal(10_000), f"{prefix}.evaluation.cost_scale"
    )
    _check_range(ev.default_volatility, ZERO, Decimal(5), f"{prefix}.evaluation.default_volatility")
    _check_range(
        Decimal(search.max_actions), ONE, Decimal(MAX_ACTIONS), f"{prefix}.search.max_actions"
    )
    _check_range(
        Decimal(search.max_sequences), ONE, Decimal(10**7), f"{prefix}.search.max_sequences"
    )
    _check_range(Decimal(search.runners_up), ZERO, Decimal(100), f"{prefix}.search.runners_up")
    _check_targets(settings, prefix)
    _check_modules(settings, prefix)
    return settings
