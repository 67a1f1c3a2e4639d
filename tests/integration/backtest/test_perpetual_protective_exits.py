"""Protective exits on a perpetual account in a backtest and a paper replay, on real
Binance XRP/USDT perpetual bars: a long/short SMA cross with `fixed_rr` stop-loss and
take-profit levels.

Each filled entry (a long or a short) gets one reduce-only OCO for exactly its position,
on the other side (a BUY above/below a short: its stop above, its target below); a short's
stop fires on the bar's HIGH and its target on the LOW (a long's the other way), at the
level or the gapped open; a protective fill leaves the position flat (never flips it); a
flip by the plan or a liquidation withdraws it (cancelled, nothing filled); the dense
backtest and the paper replay agree.
"""

import csv
from decimal import Decimal
from pathlib import Path

from tests.integration.backtest.backtest_blueprints import load_text
from tests.integration.backtest.test_perpetual_backtest import (
    BARS,
    BLUEPRINT,
    LONG_SHORT,
    REAL_SOURCES,
    _paper,
    _same,
    run_perpetual,
)

from tradekernel.domain.enums import ExitReason, OrderStatus, OrderType, Side
from tradekernel.domain.orders import Order
from tradekernel.orchestration.cycle.result import RunResult
from tradekernel.shared.ids import protected_entry_id, protective_order_id

NO_EXIT = '[[planners.exit]]\ntype = "none"'
FIXED_RR = '[[planners.exit]]\ntype = "fixed_rr"\nstop_pct = "{stop}"\nrisk_reward = "{rr}"'
ZERO = Decimal(0)


def _run(tmp_path: Path, *, leverage: str, stop: str, rr: str) -> tuple[RunResult, RunResult]:
    text = BLUEPRINT.format(leverage=leverage, funding=REAL_SOURCES, shorts=LONG_SHORT)
    text = text.replace(NO_EXIT, FIXED_RR.format(stop=stop, rr=rr))
    blueprint = load_text(tmp_path, "perp", text)
    return run_perpetual(blueprint, dense=True), _paper(blueprint, tmp_path / "paper.db")


def _bars() -> dict[int, tuple[Decimal, Decimal, Decimal]]:
    """Return each bar's (open, high, low) by its time."""
    with BARS.open() as handle:
        return {
            int(row["timestamp_ms"]): (
                Decimal(row["open"]),
                Decimal(row["high"]),
                Decimal(row["low"]),
            )
            for row in csv.DictReader(handle)
        }


def _protective(result: RunResult) -> dict[str, list[Order]]:
    """Return the protective orders by the entry they protect."""
    by_entry: dict[str, list[Order]] = {}
    for order in result.orders:
        entry = protected_entry_id(order.client_order_id)
        if entry is not None:
            by_entry.setdefault(entry, []).append(order)
    return by_entry


def _check_orders(result: RunResult) -> None:
    """Each filled entry (every one has levels here) has one reduce-only OCO, sized and
    placed for its side."""
    protective = _protective(result)
    entries = [
        order
        for order in result.orders
        if not order.reduce_only
        and order.filled_quantity > 0
        and protected_entry_id(order.client_order_id) is None
    ]
    assert entries
    refused = {cid for _, cid, _ in result.rejections}
    liquidated_at = {f.ts_ms for f in result.fills if f.client_order_id.startswith("liquidation-")}
    for entry in entries:
        if entry.client_order_id not in protective:
            # Liquidated on the bar it filled on, before its exit could rest: the exit,
            # reduce-only with nothing left to reduce, is refused, never flips.
            assert protective_order_id(entry.client_order_id, 0) in refused
            assert entry.updated_ms in liquidated_at
            continue
        (exit_order,) = protective[entry.client_order_id]
        assert exit_order.reduce_only
        assert exit_order.order_type is OrderType.OCO
        assert exit_order.side is (Side.BUY if entry.side is Side.SELL else Side.SELL)
        assert exit_order.quantity == entry.filled_quantity
        assert exit_order.stop_price is not None and exit_order.price is not None
        # A short's stop above its target, a long's below.
        assert (exit_order.stop_price > exit_order.price) is (exit_order.side is Side.BUY)
        # Filled (the position is out) or withdrawn with nothing filled.
        assert exit_order.status in {OrderStatus.FILLED, OrderStatus.CANCELLED}
        assert exit_order.filled_quantity in {ZERO, exit_order.quantity}
    assert len(protective) == len(entries) - len(refused)


def _check_fills(result: RunResult) -> list[tuple[Side, str]]:
    """Walk the fills: a protective fill triggers on the right extreme, fills at the level
    or the gapped open and leaves the position flat. Return (exit side, which) per exit."""
    bars = _bars()
    specs = {order.client_order_id: order for order in result.orders}
    position = ZERO
    exits: list[tuple[Side, str]] = []
    for fill in result.fills:
        signed = fill.quantity if fill.side is Side.BUY else -fill.quantity
        if protected_entry_id(fill.client_order_id) is not None:
            spec = specs[fill.client_order_id]
            assert spec.stop_price is not None and spec.price is not None
            open_, high, low = bars[fill.ts_ms]
            # A BUY reduces a short, of exactly its size.
            assert (position < 0) is (fill.side is Side.BUY) and abs(position) == fill.quantity
            stop_hit = high >= spec.stop_price if fill.side is Side.BUY else low <= spec.stop_price
            if stop_hit:  # the stop first, at the stop or the gapped open (a taker)
                gapped = max if fill.side is Side.BUY else min
                assert fill.price == gapped(spec.stop_price, open_)
                exits.append((fill.side, "stop"))
            else:
                target_hit = low <= spec.price if fill.side is Side.BUY else high >= spec.price
                assert target_hit
                gapped = min if fill.side is Side.BUY else max
                assert fill.price == gapped(spec.price, open_)
                exits.append((fill.side, "target"))
        position += signed
        if protected_entry_id(fill.client_order_id) is not None:
            assert position == 0
    return exits


def test_longs_and_shorts_stops_and_targets_execute_reduce_only_and_a_flip_withdraws(
    tmp_path: Path,
) -> None:
    dense, paper = _run(tmp_path, leverage="5", stop="0.02", rr="1")
    _same(dense, paper)
    _check_orders(dense)
    exits = _check_fills(dense)
    # Both sides, both levels: a short's stop bought back on the high, its target on the low.
    assert {(Side.BUY, "stop"), (Side.SELL, "target")} <= set(exits)
    assert {Side.BUY, Side.SELL} == {side for side, _ in exits}
    reasons = [trade.exit_reason for trade in dense.closed_trades]
    assert ExitReason.SIGNAL in reasons  # a flip: its protective order was withdrawn
    withdrawn = [
        s for group in _protective(dense).values() for s in group if s.filled_quantity == 0
    ]
    assert len(withdrawn) >= reasons.count(ExitReason.SIGNAL)


def test_a_liquidation_withdraws_the_protective_order(tmp_path: Path) -> None:
    # 50x: each position is liquidated before its 3 % stop is reached.
    dense, paper = _run(tmp_path, leverage="50", stop="0.03", rr="2")
    _same(dense, paper)
    _check_orders(dense)
    assert _check_fills(dense) == []
    liquidated = [t for t in dense.closed_trades if t.exit_reason is ExitReason.LIQUIDATION]
    assert len(liquidated) >= 2
    assert {t.side for t in liquidated} == {Side.BUY, Side.SELL}
    cancelled = [
        s
        for group in _protective(dense).values()
        for s in group
        if s.status is OrderStatus.CANCELLED and s.filled_quantity == 0
    ]
    refused = len(dense.rejections)
    assert refused >= 1  # the first short is liquidated on its own entry bar
    assert len(cancelled) == len(liquidated) - refused
