"""`tradekernel backtest --verify-sparse`: the blueprint's backtest run dense and sparse.

Composition only: the runs and their comparison are `orchestration.backtest.sparse_check`.
Nothing is recorded; the run id is the one a plain `tradekernel backtest` would use, so
the plan hashes printed are the ones a normal run records.
"""

import time
from collections.abc import Callable, Sequence
from typing import TextIO

from tradekernel.adapters.config.blueprint_loader import LoadedBlueprint
from tradekernel.adapters.data.report import LoadedBars
from tradekernel.adapters.reports.terminal import ProgressBar
from tradekernel.bootstrap.backtest_job import data_fingerprint
from tradekernel.domain.errors import ConfigError
from tradekernel.domain.ports.simulation import SimulatedVenue
from tradekernel.orchestration.backtest.engine import BacktestRequest
from tradekernel.orchestration.backtest.sparse_check import SparseCheck, verify_sparse
from tradekernel.orchestration.cycle.recorded_market import Progress
from tradekernel.orchestration.kernel.planning_kernel import PlanningKernel


def verify_blueprint(
    blueprint: LoadedBlueprint,
    kernel: PlanningKernel,
    data: Sequence[LoadedBars],
    *,
    new_venue: Callable[[], SimulatedVenue],
    run_id: str | None = None,
    progress_stream: TextIO | None = None,
) -> SparseCheck:
    """Run the blueprint's backtest dense, then sparse, and return their comparison.

    Raises:
        ConfigError: a universe symbol has no data.
    """
    settings = blueprint.settings
    symbols = sorted({item.series.symbol for item in data})
    missing = [symbol for symbol in settings.universe.symbols if symbol not in symbols]
    if missing:
        raise ConfigError(
            f"universe symbol {missing[0]} has no data (given: {', '.join(symbols)})",
            path="universe.symbols",
            file=blueprint.file,
        )
    request = BacktestRequest(
        run_id=run_id or f"bt-{blueprint.config_hash[:8]}-{data_fingerprint(data)[:8]}",
        series={item.series.symbol: item.series for item in data},
        rules={symbol: settings.rules_for(symbol) for symbol in symbols},
        policy=settings.execution,
    )
    total = max((len(item.series) for item in data), default=0)
    bars: list[ProgressBar] = []

    def close_bars() -> None:
        for finished in bars:
            finished.close()
        bars.clear()

    def progress_of(mode: str) -> Progress | None:
        close_bars()
        if progress_stream is None:
            return None
        bar = ProgressBar(total, stream=progress_stream, now=time.monotonic, label=f"bars {mode}")
        bars.append(bar)
        return lambda done, _total: bar.update(done)

    check = verify_sparse(kernel, new_venue, request, progress_of)
    close_bars()
    return check
