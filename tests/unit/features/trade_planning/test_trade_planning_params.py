import re
from decimal import Decimal
from typing import Any

import pytest
from trade_planning_builders import directive

from tradekernel.domain.enums import PluginKind, TimeInForce
from tradekernel.features.trade_planning.atr_exit import AtrExitParams
from tradekernel.features.trade_planning.catalog import SPECS
from tradekernel.features.trade_planning.confidence_scaled_size import ConfidenceScaledSizeParams
from tradekernel.features.trade_planning.fixed_fraction_size import FixedFractionSizeParams
from tradekernel.features.trade_planning.fixed_quantity_size import FixedQuantitySizeParams
from tradekernel.features.trade_planning.fixed_rr_exit import FixedRiskRewardExitParams
from tradekernel.features.trade_planning.iceberg_routing import IcebergRoutingParams
from tradekernel.features.trade_planning.kelly_size import KellySizeParams
from tradekernel.features.trade_planning.layered_entry import LayeredEntryParams
from tradekernel.features.trade_planning.patient_limit_entry import PatientLimitEntryParams
from tradekernel.features.trade_planning.swing_exit import SwingExitParams
from tradekernel.features.trade_planning.twap_routing import TwapRoutingParams

KELLY = {"win_rate": Decimal("0.5"), "payoff": Decimal(2)}
SCALED = {"base_notional": Decimal(10), "max_notional": Decimal(20)}

BAD_PARAMS: list[tuple[type[Any], dict[str, Any], str]] = [
    (PatientLimitEntryParams, {"offset_bps": Decimal(-1)}, "PatientLimitEntryParams.offset_bps"),
    (PatientLimitEntryParams, {"offset_bps": 5.0}, "PatientLimitEntryParams.offset_bps"),
    (
        PatientLimitEntryParams,
        {"time_in_force": TimeInForce.IOC},
        "PatientLimitEntryParams.time_in_force",
    ),
    (LayeredEntryParams, {"layers": 0}, "LayeredEntryParams.layers"),
    (LayeredEntryParams, {"layers": True}, "LayeredEntryParams.layers"),
    (LayeredEntryParams, {"spacing_bps": Decimal(0)}, "LayeredEntryParams.spacing_bps"),
    (LayeredEntryParams, {"ratio": Decimal(3)}, "LayeredEntryParams.ratio"),
    (LayeredEntryParams, {"weighting": "cubic"}, "LayeredEntryParams.weighting"),
    (
        LayeredEntryParams,
        {"layers": 11, "first_offset_bps": Decimal(0), "spacing_bps": Decimal(1000)},
        "LayeredEntryParams.spacing_bps",
    ),
    (FixedQuantitySizeParams, {"quantity": Decimal(0)}, "FixedQuantitySizeParams.quantity"),
    (
        FixedQuantitySizeParams,
        {"quantity": Decimal("Infinity")},
        "FixedQuantitySizeParams.quantity",
    ),
    (
        FixedFractionSizeParams,
        {"risk_fraction": Decimal("1.5")},
        "FixedFractionSizeParams.risk_fraction",
    ),
    (FixedFractionSizeParams, {"atr_column": " "}, "FixedFractionSizeParams.atr_column"),
    (KellySizeParams, {**KELLY, "win_rate": Decimal(1)}, "KellySizeParams.win_rate"),
    (KellySizeParams, {**KELLY, "payoff": Decimal(0)}, "KellySizeParams.payoff"),
    (KellySizeParams, {**KELLY, "max_fraction": Decimal(0)}, "KellySizeParams.max_fraction"),
    (
        ConfidenceScaledSizeParams,
        {**SCALED, "min_notional": Decimal(30)},
        "ConfidenceScaledSizeParams.min_notional",
    ),
    (
        ConfidenceScaledSizeParams,
        {**SCALED, "base_notional": Decimal(-1)},
        "ConfidenceScaledSizeParams.base_notional",
    ),
    (FixedRiskRewardExitParams, {"stop_pct": Decimal(1)}, "FixedRiskRewardExitParams.stop_pct"),
    (
        FixedRiskRewardExitParams,
        {"risk_reward": Decimal(0)},
        "FixedRiskRewardExitParams.risk_reward",
    ),
    (AtrExitParams, {"tp_multiple": Decimal(-2)}, "AtrExitParams.tp_multiple"),
    (AtrExitParams, {"atr_column": ""}, "AtrExitParams.atr_column"),
    (SwingExitParams, {"buffer_bps": Decimal(10000)}, "SwingExitParams.buffer_bps"),
    (TwapRoutingParams, {"slices": 101}, "TwapRoutingParams.slices"),
    (TwapRoutingParams, {"duration_ms": -1}, "TwapRoutingParams.duration_ms"),
    (
        TwapRoutingParams,
        {"min_notional_to_split": Decimal(-1)},
        "TwapRoutingParams.min_notional_to_split",
    ),
    (
        IcebergRoutingParams,
        {"display_fraction": Decimal(0)},
        "IcebergRoutingParams.display_fraction",
    ),
]


@pytest.mark.parametrize(("params", "kwargs", "field"), BAD_PARAMS)
def test_bad_param_error_names_the_class_and_field(
    params: type[Any], kwargs: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValueError, match="^" + re.escape(field) + " "):
        params(**kwargs)


def test_bad_param_error_shows_the_bound_and_the_value() -> None:
    with pytest.raises(ValueError) as caught:
        FixedRiskRewardExitParams(stop_pct=Decimal(2))

    assert str(caught.value) == (
        "FixedRiskRewardExitParams.stop_pct must be > 0 and < 1, got Decimal('2')"
    )


def test_catalog_lists_every_planner_once_per_kind() -> None:
    names = {(spec.kind, spec.name) for spec in SPECS}

    assert len(names) == len(SPECS)
    assert names == {
        (PluginKind.ENTRY, "market"),
        (PluginKind.ENTRY, "patient_limit"),
        (PluginKind.ENTRY, "layered"),
        (PluginKind.SIZE, "explicit"),
        (PluginKind.SIZE, "fixed_quantity"),
        (PluginKind.SIZE, "fixed_fraction"),
        (PluginKind.SIZE, "kelly"),
        (PluginKind.SIZE, "confidence_scaled"),
        (PluginKind.SIZE, "margin_fraction"),
        (PluginKind.EXIT, "fixed_rr"),
        (PluginKind.EXIT, "atr"),
        (PluginKind.EXIT, "swing"),
        (PluginKind.EXIT, "none"),
        (PluginKind.ROUTING, "immediate"),
        (PluginKind.ROUTING, "twap"),
        (PluginKind.ROUTING, "iceberg"),
    }


REQUIRED: dict[str, dict[str, Any]] = {
    "fixed_quantity": {"quantity": Decimal(1)},
    "kelly": KELLY,
    "confidence_scaled": SCALED,
}


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: f"{spec.kind}:{spec.name}")
def test_catalog_factory_builds_a_planner_of_that_name_that_supports_a_plain_directive(
    spec: Any,
) -> None:
    planner: Any = spec.factory(spec.params(**REQUIRED.get(spec.name, {})))

    assert planner.name == spec.name
    assert planner.supports(directive()) is True
    assert spec.summary


def test_catalog_requires_names_the_feature_columns_read() -> None:
    by_name = {spec.name: spec for spec in SPECS}

    assert by_name["atr"].requires(AtrExitParams(atr_column="atr_7")) == ("atr_7",)
    assert by_name["fixed_fraction"].requires(FixedFractionSizeParams()) == ("atr_14",)
    assert by_name["swing"].requires(SwingExitParams(swing_low_column="lo")) == (
        "lo",
        "swing_high",
    )
    assert by_name["market"].requires(None) == ()
    assert by_name["fixed_rr"].requires(FixedRiskRewardExitParams()) == ()
