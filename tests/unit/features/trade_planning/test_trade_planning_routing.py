from decimal import ROUND_UP, Context, Decimal, localcontext

import pytest
from trade_planning_builders import directive, routing_request

from tradekernel.domain.directives import RoutingDirective
from tradekernel.domain.enums import RoutingStyle
from tradekernel.domain.trade_plans import RoutingSlice
from tradekernel.features.trade_planning.iceberg_routing import (
    IcebergRouting,
    IcebergRoutingParams,
)
from tradekernel.features.trade_planning.immediate_routing import ImmediateRouting
from tradekernel.features.trade_planning.twap_routing import TwapRouting, TwapRoutingParams

TWAP = TwapRouting(
    TwapRoutingParams(slices=4, duration_ms=60_000, min_notional_to_split=Decimal(100))
)
ICEBERG = IcebergRouting(
    IcebergRoutingParams(display_fraction=Decimal("0.2"), min_notional_to_split=Decimal(100))
)


def test_immediate_routing_is_one_slice_of_fraction_one() -> None:
    plan = ImmediateRouting().plan(routing_request("2", "100"))

    assert plan.style is RoutingStyle.IMMEDIATE
    assert plan.slices == (RoutingSlice(fraction=Decimal(1)),)
    assert plan.planner == "immediate"


def test_twap_spreads_equal_slices_over_the_duration() -> None:
    plan = TWAP.plan(routing_request("2", "100"))

    assert plan.style is RoutingStyle.TWAP
    assert plan.slices == tuple(
        RoutingSlice(fraction=Decimal("0.25"), delay_ms=delay)
        for delay in (0, 15_000, 30_000, 45_000)
    )


def test_twap_slice_count_is_capped_by_the_directive_and_fractions_sum_to_one() -> None:
    capped = directive(routing=RoutingDirective(max_slices=3))

    plan = TWAP.plan(routing_request("2", "100", capped))

    assert [s.delay_ms for s in plan.slices] == [0, 20_000, 40_000]
    assert [s.fraction for s in plan.slices] == [
        Decimal("0.333333333333"),
        Decimal("0.333333333333"),
        Decimal("0.333333333334"),
    ]


def test_twap_slices_do_not_depend_on_the_first_callers_decimal_context() -> None:
    # The slices are computed once per count and kept: the first call, here under a
    # hostile 5-digit context, must not decide what every later plan gets.
    capped = directive(routing=RoutingDirective(max_slices=3))
    fresh = TwapRouting(TwapRoutingParams(slices=4, duration_ms=60_000))
    with localcontext(Context(prec=5, rounding=ROUND_UP)):
        first = fresh.plan(routing_request("2", "100", capped))
    again = fresh.plan(routing_request("2", "100", capped))
    assert first.slices == again.slices
    assert [s.fraction for s in again.slices] == [
        Decimal("0.333333333333"),
        Decimal("0.333333333333"),
        Decimal("0.333333333334"),
    ]


def test_twap_delays_are_floored_to_whole_milliseconds() -> None:
    odd = TwapRouting(TwapRoutingParams(slices=3, duration_ms=1000))

    plan = odd.plan(routing_request("1", "100"))

    assert [s.delay_ms for s in plan.slices] == [0, 333, 666]


def test_twap_order_at_the_split_threshold_goes_out_as_one_immediate_slice() -> None:
    plan = TWAP.plan(routing_request("1", "100"))

    assert plan.style is RoutingStyle.IMMEDIATE
    assert plan.slices == (RoutingSlice(fraction=Decimal(1)),)
    assert plan.planner == "twap"


def test_twap_with_a_directive_cap_of_one_is_one_immediate_slice() -> None:
    single = directive(routing=RoutingDirective(max_slices=1))

    assert TWAP.plan(routing_request("5", "100", single)).style is RoutingStyle.IMMEDIATE


def test_twap_zero_quantity_is_not_split() -> None:
    assert TWAP.plan(routing_request("0", "100")).slices == (RoutingSlice(fraction=Decimal(1)),)


def test_iceberg_shows_the_display_fraction_above_the_threshold() -> None:
    plan = ICEBERG.plan(routing_request("2", "100"))

    assert plan.style is RoutingStyle.ICEBERG
    assert plan.slices == (RoutingSlice(fraction=Decimal(1), display_fraction=Decimal("0.2")),)


def test_iceberg_below_the_threshold_is_a_plain_immediate_slice() -> None:
    plan = ICEBERG.plan(routing_request("0.5", "100"))

    assert plan.style is RoutingStyle.IMMEDIATE
    assert plan.slices == (RoutingSlice(fraction=Decimal(1)),)


@pytest.mark.parametrize(
    ("planner", "hint"),
    [
        (TWAP, RoutingStyle.ICEBERG),
        (ICEBERG, RoutingStyle.TWAP),
        (ImmediateRouting(), RoutingStyle.TWAP),
    ],
)
def test_routing_planner_refuses_another_style_hint(
    planner: TwapRouting | IcebergRouting | ImmediateRouting, hint: RoutingStyle
) -> None:
    hinted = directive(routing=RoutingDirective(style_hint=hint))

    assert planner.supports(hinted) is False
    assert planner.supports(directive()) is True
    with pytest.raises(ValueError, match=f"'{planner.name}' does not support directive dir-1"):
        planner.plan(routing_request("2", "100", hinted))
