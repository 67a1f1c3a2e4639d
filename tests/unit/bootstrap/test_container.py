"""The composition root: every provider builds, and the execution provider can be swapped."""

from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path

import pytest
from dependency_injector import providers

from tradekernel.adapters.backtest.venue import BacktestVenue
from tradekernel.adapters.ccxt.config import CcxtSettings
from tradekernel.adapters.clock.system import SystemClock
from tradekernel.adapters.config.blueprint_loader import LoadedBlueprint
from tradekernel.adapters.data.bundled import bundled_path
from tradekernel.adapters.data.loader import load_bars
from tradekernel.adapters.paper.execution import PaperExecution
from tradekernel.adapters.sqlite.control_store import SqliteControlStore
from tradekernel.adapters.sqlite.journal import SqliteJournal
from tradekernel.adapters.sqlite.order_event_store import SqliteOrderEventStore
from tradekernel.bootstrap.backtest_job import venue_settings
from tradekernel.bootstrap.container import Container, configured
from tradekernel.domain.blueprint import BlueprintSettings
from tradekernel.domain.errors import ConfigError
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.market import Bar
from tradekernel.domain.orders import Fill, Order
from tradekernel.orchestration.backtest.engine import BacktestEngine, BacktestRequest
from tradekernel.orchestration.kernel.planning_kernel import PlanningKernel


def test_every_provider_builds_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRADEKERNEL_API_KEY", "key")
    monkeypatch.setenv("TRADEKERNEL_API_SECRET", "secret")
    container = configured(mode="backtest", db_path=tmp_path / "c.db", seed=7)
    built: dict[str, object] = {}
    try:
        for name, provider in container.providers.items():
            if name in {"config", "execution", "mode"}:
                continue
            built[name] = provider()
        built["mode"] = container.mode()
        built["execution"] = container.execution()
        assert isinstance(built["clock"], SystemClock)
        assert isinstance(built["loaded_blueprint"], tuple)
        assert isinstance(built["blueprint"], LoadedBlueprint)
        assert isinstance(built["settings"], BlueprintSettings)
        assert isinstance(built["plugin_catalog"], dict) and built["plugin_catalog"]
        assert isinstance(built["kernel"], PlanningKernel)
        assert isinstance(built["journal"], SqliteJournal)
        assert isinstance(built["order_event_store"], SqliteOrderEventStore)
        assert isinstance(built["control_store"], SqliteControlStore)
        assert isinstance(built["backtest_execution"], BacktestVenue)
        assert isinstance(built["execution"], BacktestVenue)
        assert isinstance(built["paper_execution"], PaperExecution)
        assert built["mode"] == "backtest"
        live = built["live_settings"]
        assert isinstance(live, CcxtSettings) and live.symbols == ("BTC/USD",)
        assert type(built["live_execution"]).__name__ == "CcxtExecution"
        # singletons are shared; the backtest venue is a fresh one per run
        assert container.kernel() is built["kernel"]
        assert container.backtest_execution() is not built["backtest_execution"]
        venue = built["execution"]
        assert isinstance(venue, BacktestVenue)
        assert venue.settings == venue_settings(container.settings())
        assert (tmp_path / "c.db").is_file()
    finally:
        live_execution = built.get("live_execution")
        if live_execution is not None:
            live_execution.close()  # type: ignore[attr-defined]
        container.shutdown_resources()


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
    finally:
        execution.close()
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
