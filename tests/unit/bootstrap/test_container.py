"""The composition root: every provider builds, and the execution provider can be swapped."""

from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path

import pytest
from dependency_injector import providers
from tests.integration.ccxt.conftest import API_KEY, API_SECRET
from tests.integration.live.live_venue import LiveFakeBinance, crossing_klines, write_config

from tradekernel.adapters.backtest.venue import BacktestVenue
from tradekernel.adapters.ccxt.config import CcxtSettings
from tradekernel.adapters.clock.system import SystemClock
from tradekernel.adapters.config.blueprint_loader import LoadedBlueprint
from tradekernel.adapters.data.bundled import bundled_path
from tradekernel.adapters.data.loader import load_bars
from tradekernel.adapters.paper.execution import PaperExecution
from tradekernel.adapters.paper.sleeper import SystemSleeper
from tradekernel.adapters.sqlite.backoff_store import SqliteBackoffStore
from tradekernel.adapters.sqlite.control_store import SqliteControlStore
from tradekernel.adapters.sqlite.journal import SqliteJournal
from tradekernel.adapters.sqlite.order_event_store import SqliteOrderEventStore
from tradekernel.adapters.sqlite.portfolio_store import SqliteSequenceStore
from tradekernel.adapters.sqlite.run_reader import SqliteRunReader
from tradekernel.bootstrap.backtest_job import venue_settings
from tradekernel.bootstrap.container import Container, configured, live_container
from tradekernel.bootstrap.live_config import load_live, store_path
from tradekernel.bootstrap.wiring import LiveParts, RecordedRunParts, RunStores
from tradekernel.domain.blueprint import BlueprintSettings
from tradekernel.domain.enums import OrderStatus
from tradekernel.domain.errors import ConfigError
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.market import Bar
from tradekernel.domain.orders import Fill, Order
from tradekernel.orchestration.backtest.engine import BacktestEngine, BacktestRequest
from tradekernel.orchestration.cycle.market_clock import MarketClock
from tradekernel.orchestration.kernel.planning_kernel import PlanningKernel


def _build_every_provider(container: Container) -> dict[str, object]:
    """Call every provider of the container once (mypy does not check provider arguments)."""
    built: dict[str, object] = {}
    for name, provider in container.providers.items():
        if name == "config":
            continue
        if name == "live_parts":
            built[name] = provider(shutdown=container.shutdown_resources)
        else:
            built[name] = provider()
    return built


def _assert_the_common_providers(built: dict[str, object], container: Container) -> None:
    assert isinstance(built["wall_clock"], SystemClock)
    assert isinstance(built["market_clock"], MarketClock)
    assert isinstance(built["sleeper"], SystemSleeper)
    assert isinstance(built["loaded_blueprint"], tuple)
    assert isinstance(built["blueprint"], LoadedBlueprint)
    assert isinstance(built["settings"], BlueprintSettings)
    assert isinstance(built["plugin_catalog"], dict) and built["plugin_catalog"]
    assert isinstance(built["kernel"], PlanningKernel)
    assert isinstance(built["journal"], SqliteJournal)
    assert isinstance(built["run_reader"], SqliteRunReader)
    assert isinstance(built["order_event_store"], SqliteOrderEventStore)
    assert isinstance(built["control_store"], SqliteControlStore)
    assert isinstance(built["backoff_store"], SqliteBackoffStore)
    assert isinstance(built["sequence_store"], SqliteSequenceStore)
    stores = built["stores"]
    assert isinstance(stores, RunStores)
    assert stores.journal is built["journal"] and stores.reader is built["run_reader"]
    assert stores.order_events is built["order_event_store"]
    assert stores.control is built["control_store"]
    assert isinstance(built["simulated_venue"], BacktestVenue)
    assert isinstance(built["backtest_execution"], BacktestVenue)
    assert isinstance(built["paper_execution"], PaperExecution)
    assert isinstance(built["live_settings"], CcxtSettings)
    assert type(built["live_execution"]).__name__ == "CcxtExecution"
    assert type(built["market_data"]).__name__ == "CcxtMarketData"
    assert isinstance(built["exchange_settings"], CcxtSettings)
    assert type(built["download_market_data"]).__name__ == "CcxtDownloadData"
    run = built["recorded_run_parts"]
    assert isinstance(run, RecordedRunParts)
    assert run.kernel is built["kernel"] and run.open_stores() is stores
    assert run.clock is built["clock"] and run.wall_clock is built["wall_clock"]
    parts = built["live_parts"]
    assert isinstance(parts, LiveParts)
    assert parts.execution is built["live_execution"] and parts.market is built["market_data"]
    assert parts.backoff_store is built["backoff_store"] and parts.clock is built["clock"]
    assert isinstance(parts.new_simulated_venue(), BacktestVenue)
    # singletons are shared; a venue is a fresh one per call
    assert container.kernel() is built["kernel"]
    assert container.backtest_execution() is not built["backtest_execution"]
    venue = built["simulated_venue"]
    assert isinstance(venue, BacktestVenue)
    assert venue.settings == venue_settings(container.settings())


@pytest.mark.parametrize(
    ("mode", "venue_type", "clock_type"),
    [
        ("backtest", BacktestVenue, MarketClock),
        ("paper", PaperExecution, MarketClock),
        ("live", None, SystemClock),
    ],
)
def test_every_provider_builds_once_per_mode(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    mode: str,
    venue_type: type | None,
    clock_type: type,
) -> None:
    monkeypatch.setenv("TRADEKERNEL_API_KEY", "key")
    monkeypatch.setenv("TRADEKERNEL_API_SECRET", "secret")
    container = configured(mode=mode, db_path=tmp_path / "c.db", seed=7)
    try:
        built = _build_every_provider(container)
        _assert_the_common_providers(built, container)
        assert built["mode"] == mode
        assert isinstance(built["clock"], clock_type)
        execution = built["execution"]
        if venue_type is None:
            assert execution is built["live_execution"]
        else:
            assert isinstance(execution, venue_type)
        assert isinstance(built["recorded_run_parts"], RecordedRunParts)
        assert built["recorded_run_parts"].venue is not None
        live = built["live_settings"]
        assert isinstance(live, CcxtSettings) and live.symbols == ("BTC/USD",)
        assert (tmp_path / "c.db").is_file()
    finally:
        container.shutdown_resources()


def test_every_provider_builds_for_a_live_config_against_the_loopback_venue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRADEKERNEL_API_KEY", API_KEY)
    monkeypatch.setenv("TRADEKERNEL_API_SECRET", API_SECRET)
    server = LiveFakeBinance(api_key=API_KEY, secret=API_SECRET).start()
    server.klines["BTCUSDT"] = crossing_klines(server.now_ms())
    loaded = load_live(write_config(tmp_path, server.base_url))
    container = live_container(loaded, live=False)
    try:
        built = _build_every_provider(container)
        _assert_the_common_providers(built, container)
        assert built["mode"] == "live" and isinstance(built["clock"], SystemClock)
        settings = built["live_settings"]
        assert isinstance(settings, CcxtSettings)
        assert settings.api_base_url == server.base_url and settings.symbols == ("BTC/USDT",)
        parts = built["live_parts"]
        assert isinstance(parts, LiveParts) and parts.loaded is loaded
        assert parts.stores.db_path == store_path(loaded, live=False)
        # the built adapters reach the loopback venue
        assert "BTC/USDT" in parts.execution.symbol_rules()
        assert parts.market.fetch_bars("BTC/USDT", "1h", 0, 5)
    finally:
        container.shutdown_resources()
        server.stop()


def test_live_mode_selects_the_ccxt_adapter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRADEKERNEL_API_KEY", "key")
    monkeypatch.setenv("TRADEKERNEL_API_SECRET", "secret")
    container = configured(mode="live", db_path=tmp_path / "c.db", ccxt={"exchange_id": "kraken"})
    execution = container.execution()
    try:
        assert type(execution).__name__ == "CcxtExecution"
        assert container.live_settings().exchange_id == "kraken"
        assert container.execution() is execution  # one client, closed at shutdown
    finally:
        container.shutdown_resources()


def test_paper_mode_selects_the_paper_venue_over_a_fresh_backtest_venue() -> None:
    container = configured(mode="paper")
    first, second = container.execution(), container.execution()
    assert isinstance(first, PaperExecution) and first is not second
    assert first.cash() == container.settings().account.starting_cash


def test_live_mode_without_credentials_names_the_variables() -> None:
    container = configured(mode="live")
    with pytest.raises(ConfigError, match="TRADEKERNEL_API_KEY"):
        container.execution()


def test_a_mode_without_an_adapter_and_an_unknown_ccxt_key_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="mode 'sim' has no execution adapter") as raised:
        configured(mode="sim")
    assert raised.value.path == "mode"
    container = configured()
    with pytest.raises(ConfigError, match="mode None has no execution adapter"):
        container.execution()
    bad = configured(mode="live", ccxt={"exchange": "binance"})
    with pytest.raises(ConfigError, match="unknown ccxt setting") as raised:
        bad.live_settings()
    assert raised.value.path == "ccxt"


def test_the_refinement_hook_changes_the_blueprint_the_kernel_is_built_from() -> None:
    import attrs

    def rename(loaded: LoadedBlueprint) -> LoadedBlueprint:
        settings = attrs.evolve(loaded.settings, name="renamed")
        return attrs.evolve(loaded, settings=settings)

    container = configured(mode="backtest", refine=rename)
    assert container.settings().name == "renamed"
    assert Container().settings().name == "sma_cross"


class RecordingVenue:
    """A fake simulated venue: delegates to a real backtest venue and records every call."""

    def __init__(self, inner: BacktestVenue) -> None:
        self.inner = inner
        self.submitted: list[ExecutionIntent] = []
        self.bars = 0

    def submit(self, intent: ExecutionIntent) -> Order:
        self.submitted.append(intent)
        return self.inner.submit(intent)

    def submit_status(self, intent: ExecutionIntent) -> OrderStatus:
        self.submitted.append(intent)
        return self.inner.submit_status(intent)

    def cancel(self, symbol: str, client_order_id: str) -> Order:
        return self.inner.cancel(symbol, client_order_id)

    def fetch_order(self, symbol: str, client_order_id: str) -> Order:
        return self.inner.fetch_order(symbol, client_order_id)

    def open_orders(self, symbol: str | None = None) -> Sequence[Order]:
        return self.inner.open_orders(symbol)

    def balances(self) -> Sequence[object]:
        return self.inner.balances()

    def positions(self) -> Sequence[object]:
        return self.inner.positions()

    def own_trades(self, symbol: str | None = None, since_ms: int = 0) -> Sequence[Fill]:
        return self.inner.own_trades(symbol, since_ms)

    def on_bar(self, bar: Bar) -> Sequence[Fill]:
        self.bars += 1
        return self.inner.on_bar(bar)

    def has_open_orders(self, symbol: str | None = None) -> bool:
        return self.inner.has_open_orders(symbol)

    def cash(self) -> Decimal:
        return self.inner.cash()

    def equity(self, marks: Mapping[str, Decimal]) -> Decimal:
        return self.inner.equity(marks)

    @property
    def fees_paid(self) -> Decimal:
        return self.inner.fees_paid

    def closed_trades(self) -> tuple[object, ...]:
        return self.inner.closed_trades()

    def open_trades(self) -> tuple[object, ...]:
        return self.inner.open_trades()

    def margin_account(self) -> None:
        return None


def test_an_overridden_execution_provider_runs_a_tiny_backtest(tmp_path: Path) -> None:
    container = configured(mode="backtest", db_path=tmp_path / "c.db")
    fake = RecordingVenue(container.backtest_execution())
    series = load_bars(bundled_path(), "BTC/USD").series.head(1500)
    settings = container.settings()
    request = BacktestRequest(
        run_id="tiny", series={"BTC/USD": series}, rules={"BTC/USD": settings.rules_for("BTC/USD")}
    )
    with container.execution.override(providers.Object(fake)):
        venue = container.execution()
        assert venue is fake
        result = BacktestEngine(container.kernel(), venue).run(request)  # type: ignore[arg-type]
    # the fake saw every order the run made, and fills came from bars it was fed
    assert fake.submitted and [i.client_order_id for i in fake.submitted] == [
        o.client_order_id for o in result.orders
    ]
    assert fake.bars > 0 and result.fills
    # same kernel, same data, plain venue: the same plans (the fake changed nothing)
    plain = BacktestEngine(container.kernel(), container.backtest_execution()).run(request)
    assert plain.run_plan_hash == result.run_plan_hash
    assert container.execution() is not fake  # the override ended with the block
    container.shutdown_resources()


@pytest.mark.parametrize(("mode", "synchronous"), [("backtest", 0), ("paper", 1), (None, 1)])
def test_only_a_backtest_database_skips_waiting_for_the_disk(
    tmp_path: Path, mode: str | None, synchronous: int
) -> None:
    # A backtest's rows can be recorded again from its data; paper and live cannot.
    container = configured(mode=mode, db_path=tmp_path / "c.db")
    try:
        connection = container.database()
        assert connection.execute("PRAGMA synchronous").fetchone() == (synchronous,)
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    finally:
        container.shutdown_resources()
