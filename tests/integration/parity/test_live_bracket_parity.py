"""The one-kernel parity test's live leg on a blueprint with brackets
(tests/integration/brackets/sma_brackets.toml: each entry protected by a stop-loss and a
take-profit as one OCO order once it fills): the live runner through ccxt's real Binance
class against the loopback venue whose matching is the backtest's places each bracket as
a Binance order list, plans every cycle with the dense backtest's plan hashes, never holds
two protective orders of the symbol, and a replay of the session re-plans it alike.

The offline legs (dense, sparse, paper, their replays) are `test_bracket_parity.py`.
"""

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest
from tests.integration.brackets.test_reference_loop import BLUEPRINT, DATA, SYMBOL
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
from tradekernel.domain.enums import OrderStatus
from tradekernel.domain.ports.journal import JournalEntry
from tradekernel.orchestration.cycle.replay import replay_entries
from tradekernel.orchestration.factory.kernel_factory import build_kernel
from tradekernel.shared.ids import protected_entry_id

BAR_MS = 60_000
# The live runner starts once SMA(30) has its bars: the backtest's first cross is later.
WARM_UP = 30
LIVE_BARS = 250
PLACE_LIST = ("POST", "/api/v3/orderList/oco")


@attrs.frozen(kw_only=True, eq=False)
class Leg:
    recorded: list[JournalEntry]
    venue: BacktestBinance
    session_id: str
    directory: Path
    last_ms: int
    # The most protective (reduce-only) orders working at the venue after any cycle.
    most_protective: int


@pytest.fixture(scope="module")
def leg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Leg]:
    directory = tmp_path_factory.mktemp("live-bracket-parity")
    blueprint = directory / BLUEPRINT.name
    blueprint.write_text(BLUEPRINT.read_text())
    clock = BarClock()
    loaded, _ = load(blueprint)
    venue = BacktestBinance(
        api_key=API_KEY,
        secret=API_SECRET,
        settings=venue_settings(loaded.settings),
        markets={"BTCBUSD": (SYMBOL, "BTC", "BUSD")},
        rules={"BTCBUSD": loaded.settings.rules_for(SYMBOL)},
        bar_ms=BAR_MS,
        market_clock=clock.now_ms,
    ).start()
    series = load_bars(DATA, SYMBOL).series
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
                for index in range(WARM_UP + LIVE_BARS):
                    clock.ms = int(series.ts_ms[index]) + BAR_MS + 1
                    venue.close_bar(series.bar_at(index))
                    if index == WARM_UP:
                        wiring.runner.start()
                    if index >= WARM_UP:
                        wiring.runner.cycle()
                        working = venue.venue.open_orders(SYMBOL)
                        most = max(most, sum(order.reduce_only for order in working))
            finally:
                wiring.close()
            yield Leg(
                recorded=recorded_plans(directory / "bot.db", wiring.session_id),
                venue=venue,
                session_id=wiring.session_id,
                directory=directory,
                last_ms=int(series.ts_ms[WARM_UP + LIVE_BARS - 1]),
                most_protective=most,
            )
        finally:
            venue.stop()


def test_live_brackets_plan_like_the_backtest(leg: Leg) -> None:
    assert len(leg.recorded) == LIVE_BARS
    data = [load_bars(DATA, SYMBOL)]
    assert_live_plans_like_the_backtest(
        leg.recorded, leg.directory, leg.last_ms, leg.directory / BLUEPRINT.name, data
    )


def test_replay_of_the_live_bracket_session_replans_every_cycle_identically(leg: Leg) -> None:
    loaded, catalog = load(leg.directory / BLUEPRINT.name)
    data = {SYMBOL: load_bars(DATA, SYMBOL).series}
    report = replay_entries(
        build_kernel(loaded.settings, catalog), leg.recorded, data, run_id=leg.session_id
    )
    assert report.mismatch is None, report.mismatch
    assert report.cycles == len(leg.recorded)


def test_each_live_entry_gets_one_order_list_and_none_is_stacked(leg: Leg) -> None:
    placed = [r.params["listClientOrderId"] for r in leg.venue.calls(*PLACE_LIST)]
    # One list per entry, the first revision; filled by a stop or target, or withdrawn.
    assert len(placed) == len(set(placed)) >= 3
    assert all(cid.endswith("-p0") for cid in placed)
    assert len({protected_entry_id(cid) for cid in placed}) == len(placed)
    ends = Counter(leg.venue.venue.fetch_order(SYMBOL, cid).status for cid in placed)
    assert ends[OrderStatus.FILLED] > 0
    assert ends[OrderStatus.CANCELLED] > 0
    # The venue saw a leg execute and its sibling expire, as Binance does.
    legs = Counter((o.type, o.status) for o in leg.venue.orders.values() if o.order_list_id >= 0)
    filled = legs[("STOP_LOSS", "FILLED")] + legs[("LIMIT_MAKER", "FILLED")]
    assert filled == ends[OrderStatus.FILLED]
    assert legs[("STOP_LOSS", "EXPIRED")] + legs[("LIMIT_MAKER", "EXPIRED")] == filled
    assert leg.most_protective == 1
