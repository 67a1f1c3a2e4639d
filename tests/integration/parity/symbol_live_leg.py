"""A one-symbol live leg of the parity test: the live runner, through ccxt's real Binance
class, against the backtest-matching loopback venue, one cycle 1 ms after each bar's
close; and the checks every such leg shares (the backtest's plan hashes, a replay)."""

from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest
from tests.integration.ccxt.conftest import API_KEY, API_SECRET
from tests.integration.parity.backtest_binance import BacktestBinance
from tests.integration.parity.parity_legs import recorded_plans
from tests.integration.parity.test_live_parity import (
    LIVE_CONFIG,
    BarClock,
    assert_live_plans_like_the_backtest,
)

from tradekernel.adapters.data.loader import load_bars
from tradekernel.bootstrap.backtest_job import venue_settings
from tradekernel.bootstrap.blueprints import load
from tradekernel.bootstrap.live_job import load_live
from tradekernel.bootstrap.live_session import open_session
from tradekernel.domain.enums import OrderType
from tradekernel.domain.ports.journal import JournalEntry
from tradekernel.orchestration.cycle.replay import replay_entries
from tradekernel.orchestration.factory.kernel_factory import build_kernel

STOPS = frozenset({OrderType.STOP, OrderType.STOP_LIMIT, OrderType.OCO})


@attrs.frozen(kw_only=True)
class SymbolData:
    """What a leg trades: the blueprint, the bar file, the symbol and its Binance market."""

    blueprint_name: str
    blueprint_text: str
    bars: Path
    symbol: str
    market: tuple[str, str, str]  # Binance market id, base, quote
    bar_ms: int


@attrs.frozen(kw_only=True, eq=False)
class SymbolLeg:
    """What the leg left: its recorded cycles, the venue, the last bar run."""

    data: SymbolData
    recorded: list[JournalEntry]
    venue: BacktestBinance
    session_id: str
    directory: Path
    last_ms: int
    # The most stop orders (stops, stop-limits, OCO lists) working at the venue at once,
    # read after every cycle.
    most_stops: int

    def assert_plans_like_the_backtest(self) -> list[JournalEntry]:
        """Assert the session planned its cycles with the dense backtest's plan hashes."""
        return assert_live_plans_like_the_backtest(
            self.recorded,
            self.directory,
            self.last_ms,
            self.directory / self.data.blueprint_name,
            [load_bars(self.data.bars, self.data.symbol)],
        )

    def assert_replays_identically(self) -> None:
        """Assert a replay of the recorded session re-plans every cycle identically."""
        loaded, catalog = load(self.directory / self.data.blueprint_name)
        series = {self.data.symbol: load_bars(self.data.bars, self.data.symbol).series}
        kernel = build_kernel(loaded.settings, catalog)
        report = replay_entries(kernel, self.recorded, series, run_id=self.session_id)
        assert report.mismatch is None, report.mismatch
        assert report.cycles == len(self.recorded)


def run_symbol_live(
    directory: Path, data: SymbolData, *, warm_up: int, count: int
) -> Iterator[SymbolLeg]:
    """Serve `warm_up` bars, then run `count` live cycles, one per bar; yield the leg."""
    blueprint = directory / data.blueprint_name
    blueprint.write_text(data.blueprint_text)
    clock = BarClock()
    loaded, _ = load(blueprint)
    market, base, quote = data.market
    venue = BacktestBinance(
        api_key=API_KEY,
        secret=API_SECRET,
        settings=venue_settings(loaded.settings),
        markets={market: (data.symbol, base, quote)},
        rules={market: loaded.settings.rules_for(data.symbol)},
        bar_ms=data.bar_ms,
        market_clock=clock.now_ms,
    ).start()
    series = load_bars(data.bars, data.symbol).series
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TRADEKERNEL_API_KEY", API_KEY)
        patch.setenv("TRADEKERNEL_API_SECRET", API_SECRET)
        try:
            config = directory / "live.toml"
            config.write_text(
                LIVE_CONFIG.format(base_url=venue.base_url).replace("parity.toml", blueprint.name)
            )
            wiring = open_session(load_live(config), live=True, clock=clock)
            most = 0
            try:
                for index in range(warm_up + count):
                    clock.ms = int(series.ts_ms[index]) + data.bar_ms + 1
                    venue.close_bar(series.bar_at(index))
                    if index == warm_up:
                        wiring.runner.start()
                    if index >= warm_up:
                        wiring.runner.cycle()
                        working = venue.venue.open_orders(data.symbol)
                        most = max(most, sum(order.order_type in STOPS for order in working))
            finally:
                wiring.close()
            yield SymbolLeg(
                data=data,
                recorded=recorded_plans(directory / "bot.db", wiring.session_id),
                venue=venue,
                session_id=wiring.session_id,
                directory=directory,
                last_ms=int(series.ts_ms[warm_up + count - 1]),
                most_stops=most,
            )
        finally:
            venue.stop()
