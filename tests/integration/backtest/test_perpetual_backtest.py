"""A perpetual blueprint runs on real Binance XRP/USDT perpetual bars, funding and marks.

Dense and sparse backtests and a paper replay agree (plans, fills, trades, equity); the
high-leverage long is liquidated on bars without working orders; funding is paid while a
long is held; the equity adds up to the trades plus the funding; the sources' errors
name their `account.` key.
"""

from decimal import Decimal
from pathlib import Path

import pytest
from dependency_injector import providers
from tests.integration.backtest.backtest_blueprints import kernel_for, load_text

from tradekernel.adapters.config.blueprint_loader import LoadedBlueprint
from tradekernel.adapters.data.loader import load_bars
from tradekernel.adapters.data.report import LoadedBars
from tradekernel.adapters.sqlite.database import connect
from tradekernel.adapters.sqlite.run_reader import SqliteRunReader
from tradekernel.bootstrap.backtest_job import venue_settings
from tradekernel.bootstrap.blueprints import load
from tradekernel.bootstrap.container import configured
from tradekernel.bootstrap.factories import simulated_venue
from tradekernel.bootstrap.paper_job import run_paper
from tradekernel.domain.enums import ExitReason, Side
from tradekernel.domain.errors import ConfigError
from tradekernel.domain.orders import Fill
from tradekernel.orchestration.backtest.engine import BacktestEngine, BacktestRequest
from tradekernel.orchestration.cycle.result import RunResult

DATA = Path(__file__).resolve().parents[2] / "data"
EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "perpetual_sma_cross.toml"
BARS = DATA / "binance_XRP-USDT-PERP_1h.csv"
FUNDING = DATA / "binance_XRP-USDT-PERP_funding_8h.csv"
MARK = DATA / "binance_XRP-USDT-PERP_1h_mark.csv"
RUN_ID = "perp-run"

BLUEPRINT = """
[blueprint]
name = "perp_sma"
description = "SMA(5)/SMA(15) cross on a perpetual account, long-only or long/short"
timeframe = "1h"

[universe]
symbols = ["XRP/USDT"]

[account]
quote_asset = "USDT"
starting_cash = "100"
market_type = "linear_perpetual"
leverage = "{leverage}"
maintenance_margin_rate = "0.01"
liquidation_fee_rate = "0.0125"
{funding}

[fees]
maker = "0.0002"
taker = "0.0004"

[[symbols]]
symbol = "XRP/USDT"
tick_size = "0.0001"
step_size = "0.1"
min_qty = "0.1"
min_notional = "5"

[[context.workers]]
type = "sma"
key = "sma_fast"
period = 5

[[context.workers]]
type = "sma"
key = "sma_slow"
period = 15

[[signals.opportunities]]
type = "ma_crossover"
fast = "sma_fast"
slow = "sma_slow"

[[strategy.planners]]
type = "weighted"
use_context = false
w_threat = "0"
w_weak = "0"
entry_threshold = "0"
exit_confidence = "0"
order_type = "market"
quantity = "80"
{shorts}

[[planners.entry]]
type = "market"

[[planners.size]]
type = "fixed_quantity"
quantity = "80"

[[planners.exit]]
type = "none"

[[planners.routing]]
type = "immediate"

[allocation]
type = "budget"
"""

REAL_SOURCES = f"""
[account.funding_files]
"XRP/USDT" = "{FUNDING}"

[account.mark_price_files]
"XRP/USDT" = "{MARK}"
"""


# The weighted planner opens shorts and flips in one cycle (close, then open the other side).
LONG_SHORT = "allow_short = true\nreverse = true"


def perpetual_blueprint(
    tmp_path: Path, *, leverage: str = "50", funding: str = REAL_SOURCES, shorts: str = ""
) -> LoadedBlueprint:
    text = BLUEPRINT.format(leverage=leverage, funding=funding, shorts=shorts)
    return load_text(tmp_path, "perp", text)


def _bars() -> list[LoadedBars]:
    return [load_bars(BARS, "XRP/USDT")]


def run_perpetual(blueprint: LoadedBlueprint, *, dense: bool) -> RunResult:
    settings = blueprint.settings
    venue = simulated_venue(venue_settings(settings), blueprint)
    series = {item.series.symbol: item.series for item in _bars()}
    return BacktestEngine(kernel_for(blueprint), venue).run(
        BacktestRequest(
            run_id=RUN_ID,
            series=series,
            rules={symbol: settings.rules_for(symbol) for symbol in sorted(series)},
            dense=dense,
        )
    )


def _paper(blueprint: LoadedBlueprint, db: Path) -> RunResult:
    container = configured(mode="paper", db_path=db)
    container.blueprint.override(providers.Object(blueprint))
    container.kernel.override(providers.Object(kernel_for(blueprint)))
    try:
        parts = container.recorded_run_parts()
        return run_paper(parts, _bars(), out_dir=None, run_id=RUN_ID, progress_stream=None).result
    finally:
        container.shutdown_resources()


def _fill_key(fill: Fill) -> tuple[int, str]:
    return fill.ts_ms, fill.trade_id


def _same(a: RunResult, b: RunResult, *, curve: bool = True) -> None:
    assert a.plan_hashes == b.plan_hashes
    assert a.run_plan_hash == b.run_plan_hash
    assert a.fills == b.fills
    assert a.closed_trades == b.closed_trades
    assert a.open_trades == b.open_trades
    assert a.final_equity == b.final_equity
    assert a.perpetual == b.perpetual
    if curve:
        assert a.equity.tobytes() == b.equity.tobytes()


@pytest.mark.parametrize("shorts", ["", LONG_SHORT], ids=["long_only", "long_short"])
def test_dense_sparse_and_paper_agree_through_liquidations(tmp_path: Path, shorts: str) -> None:
    blueprint = perpetual_blueprint(tmp_path, shorts=shorts)
    dense = run_perpetual(blueprint, dense=True)
    sparse = run_perpetual(blueprint, dense=False)
    paper = _paper(blueprint, tmp_path / "paper.db")
    # 50x longs on real bars: each one liquidated on a bar without a working order.
    reasons = [trade.exit_reason for trade in dense.closed_trades]
    assert reasons.count(ExitReason.LIQUIDATION) >= 2
    assert dense.perpetual is not None
    assert dense.perpetual.liquidations == reasons.count(ExitReason.LIQUIDATION)
    assert sparse.kernel_calls < dense.kernel_calls
    _same(dense, sparse)
    _same(dense, paper)
    assert [o.client_order_id for o in paper.orders] == [o.client_order_id for o in dense.orders]
    # A liquidation's fill reaches the paper run's records like any fill.
    connection = connect(tmp_path / "paper.db")
    try:
        recorded = SqliteRunReader(connection).fills(RUN_ID)
        snapshots = SqliteRunReader(connection).equity(RUN_ID)
    finally:
        connection.close()
    # Its equity snapshots value a position at its unrealised PnL at the mark, as the curve.
    assert [float(point.equity) for point in snapshots] == pytest.approx(
        paper.equity.tolist(), abs=1e-9
    )
    assert sorted(recorded, key=_fill_key) == sorted(paper.fills, key=_fill_key)
    assert any(fill.client_order_id.startswith("liquidation-") for fill in recorded)


def test_the_bundled_long_short_example_trades_both_sides_with_real_funding(
    tmp_path: Path,
) -> None:
    blueprint, _ = load(EXAMPLE)
    dense = run_perpetual(blueprint, dense=True)
    sparse = run_perpetual(blueprint, dense=False)
    paper = _paper(blueprint, tmp_path / "paper.db")
    _same(dense, sparse)
    _same(dense, paper)
    assert {trade.side for trade in dense.closed_trades} == {Side.BUY, Side.SELL}
    assert dense.rejections == ()
    assert dense.skipped_intents == ()
    stats = dense.perpetual
    assert stats is not None
    assert stats.funding_paid > 0
    assert stats.funding_received > 0
    assert Decimal(1) < stats.max_leverage_used <= Decimal(5)


def test_a_held_long_pays_funding_and_the_equity_adds_up(tmp_path: Path) -> None:
    blueprint = perpetual_blueprint(tmp_path, leverage="2", funding='funding_rate = "0.001"')
    dense = run_perpetual(blueprint, dense=True)
    sparse = run_perpetual(blueprint, dense=False)
    _same(dense, sparse)
    stats = dense.perpetual
    assert stats is not None
    assert stats.liquidations == 0
    assert stats.funding_paid > 0
    assert stats.funding_received == 0
    assert Decimal("0.5") < stats.max_leverage_used < Decimal(1)
    # Equity = cash + every round trip's PnL (net of fees; an open one marked) - funding.
    marked = [trade.marked(dense.final_marks[trade.symbol], 0) for trade in dense.open_trades]
    pnl = sum((t.pnl for t in (*dense.closed_trades, *marked)), Decimal(0))
    expected = Decimal(100) + pnl - stats.funding_paid
    assert abs(dense.final_equity - expected) < Decimal("1e-20")
    assert float(dense.final_equity) == pytest.approx(float(dense.equity[-1]), abs=1e-9)


def test_the_equity_curve_is_wallet_plus_unrealised_pnl_at_every_bar(tmp_path: Path) -> None:
    blueprint = perpetual_blueprint(tmp_path, leverage="2", funding='funding_rate = "0.001"')
    result = run_perpetual(blueprint, dense=False)
    spot_like = result.cash  # wallet - basis; the curve adds q * close while a position is held
    held = result.equity != spot_like
    assert held.any()
    assert not held.all()


@pytest.mark.parametrize(
    ("funding", "path", "words"),
    [
        (
            '[account.funding_files]\n"XRP/USDT" = "missing.csv"',
            'account.funding_files."XRP/USDT"',
            "no such file",
        ),
        (
            '[account.funding_files]\n"XRP/USDT" = "bundled:nope.csv"',
            'account.funding_files."XRP/USDT"',
            "no bundled dataset 'nope.csv'",
        ),
        (
            f'[account.funding_files]\n"BTC/USDT" = "{FUNDING}"',
            'account.funding_files."BTC/USDT"',
            "not a universe symbol",
        ),
        (
            f'[account.mark_price_files]\n"XRP/USDT" = "{FUNDING}"',
            'account.mark_price_files."XRP/USDT"',
            "",
        ),
        (
            f'[account.funding_files]\n"XRP/USDT" = "{BARS}"',
            'account.funding_files."XRP/USDT"',
            "timestamp_ms,funding_rate",
        ),
    ],
)
def test_a_bad_source_names_its_key_and_file(
    tmp_path: Path, funding: str, path: str, words: str
) -> None:
    blueprint = perpetual_blueprint(tmp_path, funding=funding)
    with pytest.raises(ConfigError) as caught:
        simulated_venue(venue_settings(blueprint.settings), blueprint)
    assert caught.value.path == path
    assert caught.value.file == blueprint.file
    assert words in str(caught.value)
