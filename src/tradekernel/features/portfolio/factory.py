"""Create a planner from settings: validate, then build each module from the registry."""

from typing import Any

from tradekernel.domain.errors import ConfigError
from tradekernel.features.portfolio.planner import HolisticPlanner
from tradekernel.features.portfolio.registry import ModuleKind, lookup
from tradekernel.features.portfolio.settings import ModuleConfig, PlannerSettings
from tradekernel.features.portfolio.validator import validate


def _build_modules(
    kind: ModuleKind, modules: tuple[ModuleConfig, ...], prefix: str
) -> tuple[Any, ...]:
    built = []
    for module in modules:
        spec = lookup(kind, module.name)
        if spec is None:  # validate() already refused it; keep the error if called alone
            raise ConfigError(f"unknown {kind.value[:-1]} {module.name!r}", path=prefix)
        built.append(spec.factory(module.params))
    return tuple(built)


def create_planner(
    bucket: str, settings: PlannerSettings, prefix: str = "portfolio"
) -> HolisticPlanner:
    """Return a validated planner for `bucket`.

    Raises:
        ConfigError: if the settings are invalid, naming the key path under `prefix`.
    """
    validate(settings, prefix)
    return HolisticPlanner(
        bucket=bucket,
        settings=settings,
        calculators=_build_modules(ModuleKind.CALCULATOR, settings.calculators, prefix),
        patterns=_build_modules(ModuleKind.PATTERN, settings.patterns, prefix),
        generators=_build_modules(ModuleKind.GENERATOR, settings.generators, prefix),
        filters=_build_modules(ModuleKind.FILTER, settings.filters, prefix),
    )
