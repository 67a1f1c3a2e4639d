"""Every trade planner of this package, as plugin specs for the registry."""

from tradekernel.domain.plugin_spec import PluginSpec
from tradekernel.features.trade_planning import (
    atr_exit,
    confidence_scaled_size,
    explicit_size,
    fixed_fraction_size,
    fixed_quantity_size,
    fixed_rr_exit,
    iceberg_routing,
    immediate_routing,
    kelly_size,
    layered_entry,
    margin_fraction_size,
    market_entry,
    no_exit,
    patient_limit_entry,
    swing_exit,
    twap_routing,
)

# Grouped by kind (entry, size, exit, routing); the registry keys on (kind, name).
SPECS: tuple[PluginSpec, ...] = (
    market_entry.SPEC,
    patient_limit_entry.SPEC,
    layered_entry.SPEC,
    explicit_size.SPEC,
    fixed_quantity_size.SPEC,
    fixed_fraction_size.SPEC,
    kelly_size.SPEC,
    confidence_scaled_size.SPEC,
    margin_fraction_size.SPEC,
    fixed_rr_exit.SPEC,
    atr_exit.SPEC,
    swing_exit.SPEC,
    no_exit.SPEC,
    immediate_routing.SPEC,
    twap_routing.SPEC,
    iceberg_routing.SPEC,
)
