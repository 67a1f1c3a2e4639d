"""The kernel plans a linear perpetual account: shorts, reduce-only closes, flips, margin.

The blueprint is the long/short SMA cross of docs/perpetuals.md; the contexts are cut from
the bundled Binance XRP/USDT perpetual bars at the first cross below and above.
"""

from decimal import Decimal

import pytest
from perp_kernel_fixtures import (
    LONG_SHORT_CROSS,
    SERIES,
    STEP,
    SYMBOL,
    cross_bars,
    perp_context,
    perp_kernel,
)

from tradekernel.domain.enums import CloseSemantics, OrderType, Side, SkipReason
from tradekernel.domain.errors import ConfigError
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.perpetuals import margin_quantity
from tradekernel.shared.quantize import floor_to_step

SELL_CROSS, BUY_CROSS = cross_bars()
KERNEL = perp_kernel()


def _close(bars: int) -> Decimal:
    return Decimal(repr(float(SERIES.close[bars - 1])))


def _sized(available: Decimal, bars: int) -> Decimal:
    quantity = margin_quantity(
        available=available,
        fraction=Decimal("0.5"),
        price=_close(bars),
        leverage=Decimal(5),
        fee_rate=Decimal("0.0004"),
        step=Decimal("1E-12"),
    )
    return floor_to_step(quantity, STEP)


def _tradable(intents: tuple[ExecutionIntent, ...]) -> list[ExecutionIntent]:
    return [intent for intent in intents if not intent.skipped]


def test_a_sell_cross_without_a_position_opens_a_short_sized_by_margin() -> None:
    plan = KERNEL.plan(perp_context(SELL_CROSS))
    (short,) = plan.intents
    assert not short.skipped, short.skip_detail
    assert short.side is Side.SELL
    assert short.close_semantics is CloseSemantics.OPEN and not short.reduce_only
    assert short.quantity == _sized(Decimal(1000), SELL_CROSS)
    margin = short.quantity * _close(SELL_CROSS) / 5
    fee = short.quantity * _close(SELL_CROSS) * Decimal("0.0004")
    assert margin + fee <= 500 < margin + fee + STEP * _close(SELL_CROSS)


def test_a_buy_cross_closes_a_short_with_a_reduce_only_order_of_exactly_the_position() -> None:
    kernel = perp_kernel(**{"reverse = true": "reverse = false"})
    held = Decimal("-1234.5")
    plan = kernel.plan(perp_context(BUY_CROSS, held=held))
    (close,) = plan.intents
    assert not close.skipped, close.skip_detail
    assert close.side is Side.BUY and close.reduce_only
    assert close.close_semantics is CloseSemantics.CLOSE_ALL
    assert close.quantity == abs(held)


def test_reverse_flips_a_long_into_a_short_in_one_cycle_close_first() -> None:
    held, entry = Decimal(300), _close(SELL_CROSS) * Decimal("1.02")
    context = perp_context(SELL_CROSS, held=held, entry=entry, available=Decimal(900))
    plan = KERNEL.plan(context)
    close, short = _tradable(plan.intents)
    assert plan.intents == (close, short)  # the reduce-only close comes first
    assert (close.side, close.reduce_only, close.quantity) == (Side.SELL, True, held)
    assert (short.side, short.reduce_only) == (Side.SELL, False)
    # The new side is sized from the available balance plus what the close releases.
    released = held * entry / 5 + held * (_close(SELL_CROSS) - entry)
    assert short.quantity == _sized(Decimal(900) + released, SELL_CROSS)


def test_reverse_flips_a_short_into_a_long() -> None:
    plan = KERNEL.plan(perp_context(BUY_CROSS, held=Decimal(-50)))
    close, long = _tradable(plan.intents)
    assert (close.side, close.reduce_only, close.quantity) == (Side.BUY, True, Decimal(50))
    assert (long.side, long.reduce_only) == (Side.BUY, False)


def test_exits_of_a_short_place_the_stop_above_and_the_target_below() -> None:
    kernel = perp_kernel(
        LONG_SHORT_CROSS
        + '\n[[planners.exit]]\ntype = "fixed_rr"\nstop_pct = "0.02"\nrisk_reward = "2"\n'
    )
    (short,) = kernel.plan(perp_context(SELL_CROSS)).intents
    assert short.side is Side.SELL
    assert short.stop_loss_price is not None and short.take_profit_price is not None
    assert short.stop_loss_price > _close(SELL_CROSS) > short.take_profit_price


def test_a_short_needs_margin_not_holdings() -> None:
    (short,) = KERNEL.plan(perp_context(SELL_CROSS, available=Decimal(0))).intents
    # Nothing available: sized to zero, so nothing is sold from holdings it does not have.
    assert short.skipped and short.skip_reason is SkipReason.QTY_ROUNDS_TO_ZERO


def test_max_leverage_gate_refuses_an_entry_above_the_limit() -> None:
    kernel = perp_kernel(LONG_SHORT_CROSS + '\n[execution]\nmax_leverage = "2"\n')
    (short,) = kernel.plan(perp_context(SELL_CROSS)).intents
    # Half of 1000 as margin at 5x is ~2.5x the equity of 1000.
    assert short.skip_reason is SkipReason.MAX_LEVERAGE, short.skip_detail
    loose = perp_kernel(LONG_SHORT_CROSS + '\n[execution]\nmax_leverage = "3"\n')
    assert not loose.plan(perp_context(SELL_CROSS)).intents[0].skipped


def test_liquidation_gate_refuses_an_entry_liquidated_too_close() -> None:
    # At 5x a short is liquidated ~19.8 % above its entry.
    kernel = perp_kernel(LONG_SHORT_CROSS + '\n[execution]\nmin_liquidation_distance = "0.25"\n')
    (short,) = kernel.plan(perp_context(SELL_CROSS)).intents
    assert short.skip_reason is SkipReason.LIQUIDATION_TOO_CLOSE, short.skip_detail
    loose = perp_kernel(LONG_SHORT_CROSS + '\n[execution]\nmin_liquidation_distance = "0.15"\n')
    assert not loose.plan(perp_context(SELL_CROSS)).intents[0].skipped


@pytest.mark.parametrize(
    ("key", "value"), [("max_leverage", "0"), ("min_liquidation_distance", "1")]
)
def test_a_gate_limit_out_of_range_is_a_config_error(key: str, value: str) -> None:
    with pytest.raises(ConfigError) as raised:
        perp_kernel(LONG_SHORT_CROSS + f'\n[execution]\n{key} = "{value}"\n')
    assert raised.value.path == f"execution.{key}"


def test_the_spot_kernel_keeps_no_perpetual_terms() -> None:
    spot = perp_kernel(**{'market_type = "linear_perpetual"': 'market_type = "spot"'})
    assert spot.spec.intents.perpetual is None
    assert KERNEL.spec.intents.perpetual is not None
    assert KERNEL.spec.intents.perpetual.leverage == 5


def test_an_entry_order_type_is_kept_for_a_short() -> None:
    (short,) = KERNEL.plan(perp_context(SELL_CROSS)).intents
    assert short.order_type is OrderType.MARKET and short.symbol == SYMBOL
