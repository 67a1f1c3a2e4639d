from decimal import Decimal

import pytest
from strategy_inputs_builder import make_inputs, working_order

from tradekernel.domain.enums import DirectiveScope, OrderType, Side, SizingPolicy
from tradekernel.features.strategy.catalog import SPECS
from tradekernel.features.strategy.position_management import (
    PartialExit,
    PositionManagementParams,
    PositionManagementPlanner,
)

LEVELS = (
    PartialExit(gain_pct=Decimal("0.05"), fraction=Decimal("0.25")),
    PartialExit(gain_pct=Decimal("0.10"), fraction=Decimal("0.25")),
)


def partials(**kw: object) -> PositionManagementPlanner:
    return PositionManagementPlanner(
        PositionManagementParams(partial_exits=LEVELS, entry_quantity=Decimal(4), **kw)  # type: ignore[arg-type]
    )


def test_flat_account_gets_no_directive() -> None:
    assert partials().plan(make_inputs(close=150.0)) == ()


def test_first_partial_exit_takes_its_fraction_of_the_original_size() -> None:
    (directive,) = partials().plan(make_inputs(position="4", close=105.0))
    assert directive.scope is DirectiveScope.CLOSE_EXISTING
    assert directive.side is Side.SELL
    assert directive.size.policy is SizingPolicy.EXPLICIT
    assert directive.size.quantity == Decimal(1)


def test_partial_exit_is_not_repeated_once_the_position_is_reduced() -> None:
    assert partials().plan(make_inputs(position="3", close=106.0)) == ()
    assert partials().plan(make_inputs(position="2.9", close=109.0)) == ()


def test_missed_levels_are_caught_up_in_one_order() -> None:
    (directive,) = partials().plan(make_inputs(position="4", close=112.0))
    assert directive.size.quantity == Decimal(2)
    (second,) = partials().plan(make_inputs(position="3", close=112.0))
    assert second.size.quantity == Decimal(1)


def test_dust_left_by_step_flooring_is_ignored_below_min_exit_quantity() -> None:
    planner = partials(min_exit_quantity=Decimal("0.001"))
    assert planner.plan(make_inputs(position="3.0005", close=106.0)) == ()
    assert len(planner.plan(make_inputs(position="3.002", close=106.0))) == 1


def test_below_the_first_gain_nothing_happens() -> None:
    assert partials().plan(make_inputs(position="4", close=104.99)) == ()


def test_breakeven_moves_the_stop_to_the_entry_price_once_triggered() -> None:
    planner = PositionManagementPlanner(
        PositionManagementParams(breakeven_trigger_pct=Decimal("0.03"))
    )
    assert planner.plan(make_inputs(position="1", close=102.99)) == ()
    (directive,) = planner.plan(make_inputs(position="1", close=103.0))
    assert directive.scope is DirectiveScope.MODIFY_EXISTING
    assert directive.exit.stop_loss_price == Decimal(100)
    assert directive.size.quantity == Decimal(1)


def test_breakeven_is_not_repeated_while_a_stop_at_entry_is_working() -> None:
    planner = PositionManagementPlanner(
        PositionManagementParams(breakeven_trigger_pct=Decimal("0.03"))
    )
    stop = working_order(side=Side.SELL, order_type=OrderType.STOP, price=Decimal(100))
    assert planner.plan(make_inputs(position="1", close=110.0, open_orders=(stop,))) == ()
    low_stop = working_order(side=Side.SELL, order_type=OrderType.STOP, price=Decimal(90))
    assert len(planner.plan(make_inputs(position="1", close=110.0, open_orders=(low_stop,)))) == 1


def test_trailing_stop_closes_everything_below_the_rolling_high() -> None:
    params = PositionManagementParams(
        trail_pct=Decimal("0.1"),
        trail_column="donchian_high_20",
        partial_exits=LEVELS,
        entry_quantity=Decimal(4),
        breakeven_trigger_pct=Decimal("0.01"),
    )
    planner = PositionManagementPlanner(params)
    # stop = 130 * 0.9 = 117; close 116 is below it: a full close alone.
    (directive,) = planner.plan(
        make_inputs(position="4", close=116.0, features={"donchian_high_20": 130.0})
    )
    assert directive.scope is DirectiveScope.CLOSE_EXISTING
    assert directive.size.quantity == Decimal(4)
    assert "trailing stop" in directive.reason
    # close 117 sits on the stop: no trailing close; the other rules act (gain 17%).
    kept = planner.plan(
        make_inputs(position="4", close=117.0, features={"donchian_high_20": 130.0})
    )
    assert [d.scope for d in kept] == [
        DirectiveScope.CLOSE_EXISTING,
        DirectiveScope.MODIFY_EXISTING,
    ]
    assert kept[0].size.quantity == Decimal(2)
    assert len({d.directive_id for d in kept}) == 2


def test_trailing_stop_waits_for_its_column_during_warm_up() -> None:
    planner = PositionManagementPlanner(
        PositionManagementParams(trail_pct=Decimal("0.1"), trail_column="donchian_high_20")
    )
    assert planner.plan(make_inputs(position="4", close=1.0)) == ()


def test_spec_requires_the_trail_column() -> None:
    (spec,) = [s for s in SPECS if s.name == "position_management"]
    params = PositionManagementParams(trail_pct=Decimal("0.1"), trail_column="dc_high")
    assert spec.requires(params) == ("dc_high",)
    assert spec.requires(PositionManagementParams()) == ()
    assert isinstance(spec.factory(params), PositionManagementPlanner)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"partial_exits": LEVELS}, "PositionManagementParams.entry_quantity: required"),
        ({"trail_pct": Decimal("0.1")}, "trail_pct and trail_column go together"),
        (
            {
                "partial_exits": (LEVELS[1], LEVELS[0]),
                "entry_quantity": Decimal(1),
            },
            "PositionManagementParams.partial_exits: gain_pct must be strictly increasing",
        ),
        (
            {
                "partial_exits": (
                    PartialExit(gain_pct=Decimal("0.1"), fraction=Decimal("0.6")),
                    PartialExit(gain_pct=Decimal("0.2"), fraction=Decimal("0.6")),
                ),
                "entry_quantity": Decimal(1),
            },
            "fractions add up to 1.2, more than 1",
        ),
    ],
)
def test_bad_params_name_the_field(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError) as info:
        PositionManagementParams(**kwargs)  # type: ignore[arg-type]
    assert message in str(info.value)


def test_bad_partial_level_names_its_field() -> None:
    with pytest.raises(ValueError, match=r"PartialExit\.fraction: expected a value in \(0, 1\]"):
        PartialExit(gain_pct=Decimal("0.1"), fraction=Decimal("1.5"))
