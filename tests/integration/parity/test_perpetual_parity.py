"""One kernel, every mode, on a perpetual: a long/short blueprint on real XRP/USDT
perpetual bars plans the same cycles with the same plan hashes as dense and sparse
backtests, a paper run, a replay of each, and a live `--live` session through ccxt's real
`binanceusdm` class against a loopback USDⓈ-M venue whose matching is the perpetual
backtest venue's (a market order fills at the next bar's open).

The blueprint is `examples/perpetual_sma_cross.toml` without its funding and mark price
files: the simulated venue settles funding from a rate file and a live bot reads what the
venue paid, two sources this test does not make agree. Every cross acts, and a cross
against an open position closes it reduce-only and opens the other side in one cycle, so
the run opens and closes longs and shorts.
"""

import json
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from tests.integration.ccxt.conftest import API_KEY, API_SECRET
from tests.integration.parity.backtest_binance_usdm import BacktestBinanceUsdm
from tests.integration.parity.parity_legs import (
    OFFLINE_LEGS,
    first_divergence,
    hashes,
    recorded_plans,
    run_offline_legs,
)
from tests.integration.parity.test_live_parity import LIVE_CONFIG, BarClock, backtest_plans

from tradekernel.adapters.data.loader import load_bars
from tradekernel.adapters.data.report import LoadedBars
from tradekernel.bootstrap.backtest_job import venue_settings
from tradekernel.bootstrap.blueprints import load
from tradekernel.bootstrap.container import configured
from tradekernel.bootstrap.factories import simulated_venue
from tradekernel.bootstrap.live_job import load_live
from tradekernel.bootstrap.live_session import open_session
from tradekernel.bootstrap.replay_job import run_replay
from tradekernel.domain.orders import Fill
from tradekernel.domain.ports.journal import JournalEntry
from tradekernel.orchestration.cycle.replay import replay_entries
from tradekernel.orchestration.cycle.result import RunResult
from tradekernel.orchestration.factory.kernel_factory import build_kernel

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "examples" / "perpetual_sma_cross.toml"
BARS = ROOT / "src" / "tradekernel" / "data" / "binance_XRP-USDT-PERP_1h.csv"
SYMBOL = "XRP/USDT:USDT"
MARKET = "XRPUSDT"
HOUR_MS = 3_600_000
RUN_ID = "perp-parity"
# Bars served before the first live cycle (SMA(20) needs 20), then every other bar live.
WARM_UP = 25
LIVE_CONFIG_USDM = LIVE_CONFIG.replace(
    "[ccxt]\n", '[ccxt]\nexchange_id = "binanceusdm"\nmarket_type = "swap"\n'
).replace('"parity.toml"', '"perpetual.toml"')


def _blueprint_text() -> str:
    text = EXAMPLE.read_text().replace('"XRP/USDT"', f'"{SYMBOL}"')
    for table in ("[account.funding_files]", "[account.mark_price_files]"):
        start = text.index(table)
        text = text[:start] + text[text.index("\n\n", start) + 2 :]
    assert "funding_files" not in text and "mark_price_files" not in text
    return text


def _bars() -> list[LoadedBars]:
    return [load_bars(BARS, SYMBOL)]


@attrs.frozen(kw_only=True, eq=False)
class Legs:
    """The recorded plans and results of every leg, and the live leg's venue."""

    blueprint: Path
    offline: Mapping[str, tuple[RunResult, Path]]
    live: list[JournalEntry]
    live_session: str
    # The live run's summary (its realised PnL and position checks), written at its end.
    summary: Mapping[str, object]
    venue: BacktestBinanceUsdm


@pytest.fixture(scope="module")
def legs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Legs]:
    """Run the offline legs and the live leg once, each into its own database."""
    directory = tmp_path_factory.mktemp("perp-parity")
    blueprint = directory / "perpetual.toml"
    blueprint.write_text(_blueprint_text())
    offline = run_offline_legs(directory, blueprint, _bars(), RUN_ID)
    yield from _live(directory, blueprint, offline)


def _live(
    directory: Path, blueprint: Path, offline: dict[str, tuple[RunResult, Path]]
) -> Iterator[Legs]:
    clock = BarClock()
    loaded, _ = load(blueprint)
    venue = BacktestBinanceUsdm(
        api_key=API_KEY,
        secret=API_SECRET,
        venue=simulated_venue(venue_settings(loaded.settings), loaded),  # type: ignore[arg-type]
        market=(MARKET, SYMBOL),
        bar_ms=HOUR_MS,
        market_clock=clock.now_ms,
    ).start()
    series = _bars()[0].series
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TRADEKERNEL_API_KEY", API_KEY)
        patch.setenv("TRADEKERNEL_API_SECRET", API_SECRET)
        try:
            config = directory / "live.toml"
            config.write_text(LIVE_CONFIG_USDM.format(base_url=venue.base_url))
            wiring = open_session(load_live(config), live=True, clock=clock)
            try:
                for index in range(len(series)):
                    clock.ms = int(series.ts_ms[index]) + HOUR_MS + 1
                    venue.close_bar(series.bar_at(index))
                    if index == WARM_UP:
                        wiring.runner.start()
                        # What `live --live` does once the guard passed: margin mode, leverage.
                        assert wiring.prepare is not None
                        wiring.prepare()
                    if index >= WARM_UP:
                        wiring.runner.cycle()
                summary = json.loads(wiring.runner.finish("parity"))
            finally:
                wiring.close()
            yield Legs(
                blueprint=blueprint,
                offline=offline,
                live=recorded_plans(directory / "bot.db", wiring.session_id),
                live_session=wiring.session_id,
                summary=summary,
                venue=venue,
            )
        finally:
            venue.stop()


def _decided(entry: JournalEntry) -> bool:
    plan = json.loads(entry.plan_json)
    return bool(plan["directives"] or plan["intents"])


def test_dense_sparse_and_paper_record_the_same_plans_fills_and_equity(legs: Legs) -> None:
    recorded = {name: recorded_plans(db, RUN_ID) for name, (_, db) in legs.offline.items()}
    dense = recorded["dense"]
    assert len(dense) > 3
    for name in ("sparse", "paper"):
        assert hashes(recorded[name]) == hashes(dense), first_divergence(dense, recorded[name])
    results = [result for result, _ in legs.offline.values()]
    assert len({result.run_plan_hash for result in results}) == 1
    assert len({result.fills for result in results}) == 1
    assert len({result.final_equity for result in results}) == 1


def test_the_run_opens_and_closes_a_short_by_flipping(legs: Legs) -> None:
    result, _ = legs.offline["dense"]
    opened = [f for f in result.fills if f.side.value == "sell"]
    assert opened, "no sell fill: the run never opened a short"
    intents = [
        intent
        for entry in recorded_plans(legs.offline["dense"][1], RUN_ID)
        for intent in json.loads(entry.plan_json)["intents"]
    ]
    closes = [i for i in intents if i["close_semantics"] != "open"]
    # A flip: a reduce-only buy closing a short, and one selling a long.
    assert {i["side"] for i in closes} == {"buy", "sell"}


@pytest.mark.parametrize("name", OFFLINE_LEGS)
def test_replay_of_each_offline_leg_replans_every_cycle_identically(legs: Legs, name: str) -> None:
    _, db = legs.offline[name]
    container = configured(mode=None, db_path=db, blueprint_path=legs.blueprint)
    try:
        outcome = run_replay(
            db_path=db, reader_of=container.run_reader, run_id=RUN_ID, progress_stream=None
        )
    finally:
        container.shutdown_resources()
    assert outcome.report.mismatch is None, outcome.report.mismatch
    assert outcome.report.cycles == len(recorded_plans(db, RUN_ID))


def test_live_session_on_a_backtest_matching_usdm_venue_plans_like_the_backtest(
    legs: Legs,
) -> None:
    loaded, _ = load(legs.blueprint)
    # Client order ids derive from the run id: this backtest takes the live bot's.
    run_id = f"live-parity-{loaded.config_hash[:8]}"
    expected = backtest_plans(legs.blueprint.parent, run_id, legs.blueprint, _bars())
    live = [entry for entry in legs.live if _decided(entry)]
    assert len(expected) > 3
    assert hashes(live) == hashes(expected), first_divergence(expected, live)
    # The live venue filled what the backtest venue filled: same bars, sides, sizes, prices
    # and fees (the client order ids derive from the run ids, which differ).
    venue = legs.venue.venue
    dense, _ = legs.offline["dense"]
    assert _fills(venue.own_trades()) == _fills(dense.fills)
    # So the live bot's books are the backtest venue's: its realised PnL (folded from its
    # own recorded fills), and its position (the venue's, checked against its own fills).
    assert Decimal(str(legs.summary["realized_pnl"])) == venue.realized_pnl != 0
    assert legs.summary["position_mismatches"] == 0
    assert legs.summary["position_checks"] == len(legs.live)
    assert legs.venue.changes()[:2] == [
        ("/fapi/v1/marginType", MARKET),
        ("/fapi/v1/leverage", MARKET),
    ]
    sent = legs.venue.calls("POST", "/fapi/v1/order")
    assert any(r.params.get("reduceOnly") == "true" and r.params["side"] == "BUY" for r in sent)


def _fills(fills: Sequence[Fill]) -> list[tuple[int, str, Decimal, Decimal, Decimal]]:
    return [(f.ts_ms, f.side.value, f.quantity, f.price, f.fee) for f in fills]


def test_replay_of_the_live_session_replans_every_cycle_identically(legs: Legs) -> None:
    loaded, catalog = load(legs.blueprint)
    kernel = build_kernel(loaded.settings, catalog)
    series = {SYMBOL: _bars()[0].series}
    report = replay_entries(kernel, legs.live, series, run_id=legs.live_session)
    assert report.mismatch is None, report.mismatch
    assert report.cycles == len(legs.live)
