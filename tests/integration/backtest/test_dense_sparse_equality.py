"""Dense (kernel on every bar) and sparse (kernel only where plugins can act) runs agree.

Same run id, same blueprint, same data: every fill, order, closed trade, the equity and
cash curves (bit for bit), every recorded plan hash and the run plan hash must be equal,
while the sparse run calls the kernel on fewer bars.
"""

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from backtest_blueprints import (
    BITTREX,
    MANAGED,
    SMA_CROSS,
    SMA_CROSS_BTC,
    TWAP_LIMIT,
    bittrex_bars,
    coinbase_bars,
    load_text,
    run_engine,
    toml_list,
)

from tradekernel.adapters.config.blueprint_loader import LoadedBlueprint
from tradekernel.adapters.data.report import LoadedBars
from tradekernel.bootstrap.blueprints import load
from tradekernel.domain.enums import OrderType
from tradekernel.orchestration.cycle.result import RunResult


def _both(blueprint: LoadedBlueprint, data: Sequence[LoadedBars]) -> tuple[RunResult, RunResult]:
    sparse = run_engine(blueprint, data, dense=False, run_id="same-run")
    dense = run_engine(blueprint, data, dense=True, run_id="same-run")
    return sparse, dense


def _assert_identical(sparse: RunResult, dense: RunResult) -> None:
    assert dense.kernel_calls == dense.bars
    assert sparse.kernel_calls < dense.kernel_calls
    assert sparse.fills == dense.fills
    assert sparse.orders == dense.orders
    assert sparse.rejections == dense.rejections
    assert sparse.closed_trades == dense.closed_trades
    assert sparse.open_trades == dense.open_trades
    # Bitwise, not approximately: tobytes() compares every bit of every float.
    assert sparse.equity_ts.tobytes() == dense.equity_ts.tobytes()
    assert sparse.equity.tobytes() == dense.equity.tobytes()
    assert sparse.cash.tobytes() == dense.cash.tobytes()
    assert sparse.plan_hashes == dense.plan_hashes
    assert sparse.run_plan_hash == dense.run_plan_hash
    assert sparse.final_equity == dense.final_equity
    assert sparse.fees == dense.fees
    assert sparse.exposed_bars == dense.exposed_bars


def test_sma_cross_example_on_coinbase_is_identical_dense_and_sparse() -> None:
    blueprint, _ = load(SMA_CROSS)
    sparse, dense = _both(blueprint, [coinbase_bars()])
    _assert_identical(sparse, dense)
    assert len(sparse.closed_trades) > 300
    # The sparse loop is the point: the crossover fires on a few percent of the bars.
    assert sparse.kernel_calls * 10 < dense.kernel_calls


def test_sma_cross_on_three_bittrex_symbols_with_gaps_is_identical(tmp_path: Path) -> None:
    text = SMA_CROSS_BTC.format(symbols=toml_list(BITTREX), quantity="100")
    sparse, dense = _both(load_text(tmp_path, "sma_btc", text), bittrex_bars())
    _assert_identical(sparse, dense)
    assert {trade.symbol for trade in sparse.closed_trades} == set(BITTREX)
    # The shared timeline is the union of the three files' times.
    assert sparse.bars == len(
        np.unique(np.concatenate([item.series.ts_ms for item in bittrex_bars()]))
    )


@pytest.mark.parametrize(
    ("name", "symbols", "quote", "cash", "quantity", "atr_threshold"),
    [
        ("coinbase", ("BTC/USD",), "USD", "100000", "0.5", "0.02"),
        ("bittrex", tuple(BITTREX), "BTC", "1000", "100", "0.01"),
    ],
)
def test_position_management_and_threat_closes_are_identical_dense_and_sparse(
    tmp_path: Path,
    name: str,
    symbols: tuple[str, ...],
    quote: str,
    cash: str,
    quantity: str,
    atr_threshold: str,
) -> None:
    text = MANAGED.format(
        timeframe="1h",
        symbols=toml_list(symbols),
        quote=quote,
        cash=cash,
        quantity=quantity,
        atr_threshold=atr_threshold,
    )
    data = [coinbase_bars()] if name == "coinbase" else bittrex_bars()
    sparse, dense = _both(load_text(tmp_path, f"managed_{name}", text), data)
    _assert_identical(sparse, dense)
    # Exposed bars matter: more sells than buys means partial exits, trailing stops and
    # threat closes fired (each round trip has one buy and one or more sells).
    sells = [fill for fill in sparse.fills if fill.side.value == "sell"]
    buys = [fill for fill in sparse.fills if fill.side.value == "buy"]
    assert len(sells) > len(buys) > 100
    # The position manager runs on every exposed bar, so sparse calls include them all.
    assert sparse.kernel_calls >= sparse.exposed_bars - len(sparse.closed_trades)


@pytest.mark.parametrize(
    ("name", "symbols", "quote", "cash", "quantity", "bar_ms"),
    [
        ("coinbase", ("BTC/USD",), "USD", "100000", "0.3", 3_600_000),
        ("bittrex", tuple(BITTREX), "BTC", "1000", "300", 300_000),
    ],
)
def test_twap_slices_and_limit_entries_are_identical_dense_and_sparse(
    tmp_path: Path,
    name: str,
    symbols: tuple[str, ...],
    quote: str,
    cash: str,
    quantity: str,
    bar_ms: int,
) -> None:
    text = TWAP_LIMIT.format(
        timeframe="1h",
        symbols=toml_list(symbols),
        quote=quote,
        cash=cash,
        quantity=quantity,
        duration_ms=3 * bar_ms,
    )
    data = [coinbase_bars()] if name == "coinbase" else bittrex_bars()
    sparse, dense = _both(load_text(tmp_path, f"twap_{name}", text), data)
    _assert_identical(sparse, dense)
    limits = [order for order in sparse.orders if order.order_type is OrderType.LIMIT]
    assert len(limits) >= 15
    # Slices 1 and 2 wait one and two bars: their orders are created after the cross bar.
    created = sorted({order.created_ms for order in limits})
    assert len(created) > len(limits) // 3
