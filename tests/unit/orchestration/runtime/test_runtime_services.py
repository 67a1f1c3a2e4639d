from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.fakes.clock import FakeClock
from tests.fakes.runtime import StubRuntime

from tradekernel.adapters.sqlite.control_store import SqliteControlStore
from tradekernel.adapters.sqlite.database import connect
from tradekernel.domain.account import Balance, Position
from tradekernel.domain.enums import CloseSemantics, OrderType, Side, SkipReason, TradingState
from tradekernel.domain.errors import DataError
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.market import MarkPrice
from tradekernel.domain.ports.control_store import ControlRecord
from tradekernel.domain.ports.journal import EquityPoint
from tradekernel.orchestration.runtime.account_telemetry import AccountTelemetry
from tradekernel.orchestration.runtime.equity import EquityCalculator
from tradekernel.orchestration.runtime.system_monitor import SystemMonitor
from tradekernel.orchestration.runtime.trading_control import TradingStateControl


def _mark(symbol: str, price: str, ts: int) -> MarkPrice:
    return MarkPrice(symbol=symbol, price=Decimal(price), ts_ms=ts)


# -- system monitor ------------------------------------------------------------------------


def test_heartbeat_late_beyond_the_timeout_is_unhealthy() -> None:
    clock = FakeClock(start_ms=0)
    monitor = SystemMonitor(
        runtime=StubRuntime(), clock=clock, heartbeat_timeout_ms=1_000, stale_after_ms=10_000
    )
    assert monitor.check().heartbeat_ok  # nothing to be late for yet
    monitor.beat()
    clock.advance(1_000)
    assert monitor.check().heartbeat_age_ms == 1_000
    assert monitor.check().healthy
    clock.advance(1)
    assert not monitor.check().heartbeat_ok


def test_stale_and_missing_symbols_are_reported_sorted_and_stop_the_bot_if_asked() -> None:
    clock = FakeClock(start_ms=100_000)
    runtime = StubRuntime()
    monitor = SystemMonitor(
        runtime=runtime,
        clock=clock,
        heartbeat_timeout_ms=1_000,
        stale_after_ms=5_000,
        watch=["ETH/USDT", "ADA/USDT", "BTC/USDT"],
        stop_on_stale=True,
    )
    monitor.observe("BTC/USDT", 99_000)  # 1 s old: fresh
    monitor.observe("ETH/USDT", 94_000)  # 6 s old: stale
    monitor.observe("ETH/USDT", 90_000)  # older data never moves the clock back
    report = monitor.check()
    assert [(s.symbol, s.age_ms) for s in report.stale] == [
        ("ADA/USDT", None),
        ("ETH/USDT", 6_000),
    ]
    assert runtime.stops == ["stale data: ADA/USDT, ETH/USDT"]


def test_stale_data_does_not_stop_when_not_configured() -> None:
    runtime = StubRuntime()
    monitor = SystemMonitor(
        runtime=runtime, clock=FakeClock(), heartbeat_timeout_ms=1, stale_after_ms=1, watch=["X"]
    )
    assert not monitor.check().healthy
    assert runtime.stops == []


# -- equity and telemetry ---------------------------------------------------------------------


def test_equity_is_quote_cash_plus_marked_positions_with_entry_fallback() -> None:
    calculator = EquityCalculator("USDT")
    snapshot = calculator.snapshot(
        ts_ms=5,
        balances=[
            Balance(asset="USDT", free=Decimal("1000.10"), locked=Decimal("99.90")),
            Balance(asset="BTC", free=Decimal("0.5")),  # counted through its position
        ],
        positions=[
            Position(symbol="BTC/USDT", quantity=Decimal("0.5"), avg_entry_price=Decimal(40000)),
            Position(symbol="ADA/USDT", quantity=Decimal(100), avg_entry_price=Decimal("0.3")),
            Position(symbol="ETH/USDT", quantity=Decimal(0), avg_entry_price=Decimal(1)),
        ],
        marks={"BTC/USDT": _mark("BTC/USDT", "42000.5", 5)},
    )
    assert snapshot.cash == Decimal("1100.00")
    assert snapshot.positions_value == Decimal("21000.25") + Decimal("30.0")
    assert snapshot.equity == Decimal("22130.25")
    assert snapshot.unpriced == ("ADA/USDT",)


@given(
    holdings=st.lists(
        st.tuples(
            st.decimals(min_value=0, max_value=1000, places=4),
            st.decimals(min_value="0.0001", max_value=100000, places=4),
        ),
        max_size=6,
    ),
    cash=st.decimals(min_value=0, max_value=10**6, places=2),
)
def test_equity_matches_a_naive_sum(holdings: list[tuple[Decimal, Decimal]], cash: Decimal) -> None:
    positions = [
        Position(symbol=f"S{i}/USDT", quantity=qty, avg_entry_price=Decimal(1))
        for i, (qty, _) in enumerate(holdings)
    ]
    marks = {f"S{i}/USDT": _mark(f"S{i}/USDT", str(px), 0) for i, (_, px) in enumerate(holdings)}
    snapshot = EquityCalculator("USDT").snapshot(
        ts_ms=0, balances=[Balance(asset="USDT", free=cash)], positions=positions, marks=marks
    )
    naive = cash
    for qty, px in holdings:
        naive += qty * px
    assert snapshot.equity == naive


class _Journal:
    def __init__(self) -> None:
        self.points: list[tuple[str, EquityPoint]] = []

    def record_equity(self, run_id: str, points: list[EquityPoint]) -> None:
        self.points.extend((run_id, point) for point in points)


def test_telemetry_tracks_peak_and_drawdown_and_writes_the_journal() -> None:
    clock = FakeClock(start_ms=1_000)
    journal = _Journal()
    telemetry = AccountTelemetry(
        runtime=StubRuntime(),
        clock=clock,
        calculator=EquityCalculator("USDT"),
        journal=journal,  # type: ignore[arg-type]
        run_id="run-9",
    )
    for cash in ("100", "120", "90"):
        telemetry.record(
            balances=[Balance(asset="USDT", free=Decimal(cash))], positions=[], marks={}
        )
        clock.advance(60_000)
    assert telemetry.peak_equity == Decimal(120)
    assert telemetry.drawdown == Decimal("0.25")
    assert [(run, p.ts_ms, p.equity) for run, p in journal.points] == [
        ("run-9", 1_000, Decimal(100)),
        ("run-9", 61_000, Decimal(120)),
        ("run-9", 121_000, Decimal(90)),
    ]


def test_telemetry_refuses_to_record_for_a_stopped_bot() -> None:
    telemetry = AccountTelemetry(
        runtime=StubRuntime(running=False), clock=FakeClock(), calculator=EquityCalculator("USDT")
    )
    with pytest.raises(RuntimeError, match="while the bot runs"):
        telemetry.record(balances=[], positions=[], marks={})


# -- trading-state control ----------------------------------------------------------------------


def _intent(reduce_only: bool) -> ExecutionIntent:
    return ExecutionIntent(
        client_order_id="tk1",
        directive_id="d",
        symbol="BTC/USDT",
        side=Side.SELL,
        order_type=OrderType.MARKET,
        quantity=Decimal(1),
        close_semantics=CloseSemantics.REDUCE_ONLY if reduce_only else CloseSemantics.OPEN,
    )


def test_a_halt_written_by_another_process_takes_effect_on_the_next_refresh(
    tmp_path: Path,
) -> None:
    path = tmp_path / "tk.db"
    control = TradingStateControl(
        runtime=StubRuntime(), store=SqliteControlStore(connect(path)), clock=FakeClock()
    )
    assert control.refresh() is TradingState.ACTIVE
    cli = SqliteControlStore(connect(path))  # what `tradekernel control halt` does
    cli.write(
        ControlRecord(bot_id="default", state=TradingState.HALTED, reason="news", updated_ms=1)
    )
    assert control.state is TradingState.ACTIVE  # not before the next cycle's refresh
    assert control.refresh() is TradingState.HALTED
    assert control.reason == "news"
    assert control.permits(_intent(reduce_only=True)) is SkipReason.TRADING_HALTED
    assert not control.permits_cancel()


def test_reducing_admits_reduce_only_intents_and_cancels_only(tmp_path: Path) -> None:
    store = SqliteControlStore(connect(tmp_path / "tk.db"))
    control = TradingStateControl(runtime=StubRuntime(), store=store, clock=FakeClock(7))
    record = control.set(TradingState.REDUCING, "drawdown", source="risk")
    assert store.read("default") == record
    assert record.updated_ms == 7
    assert control.permits(_intent(reduce_only=True)) is None
    assert control.permits(_intent(reduce_only=False)) is SkipReason.REDUCE_ONLY_STATE
    assert control.permits_cancel()
    control.set(TradingState.ACTIVE, "resume")
    assert control.permits(_intent(reduce_only=False)) is None


class _BrokenStore:
    def read(self, bot_id: str) -> ControlRecord | None:
        raise DataError("unknown state 'panicking'")

    def write(self, record: ControlRecord) -> None:
        raise AssertionError("not expected")


def test_an_unreadable_control_record_halts_trading() -> None:
    control = TradingStateControl(runtime=StubRuntime(), store=_BrokenStore(), clock=FakeClock())
    assert control.refresh() is TradingState.HALTED
    assert "panicking" in control.reason


def test_setting_the_state_of_a_stopped_bot_is_refused(tmp_path: Path) -> None:
    control = TradingStateControl(
        runtime=StubRuntime(running=False),
        store=SqliteControlStore(connect(tmp_path / "tk.db")),
        clock=FakeClock(),
    )
    with pytest.raises(RuntimeError, match="stopped bot"):
        control.set(TradingState.HALTED, "x")
