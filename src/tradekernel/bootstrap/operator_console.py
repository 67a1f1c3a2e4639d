"""`StoreConsole`: the operator console port over a run database, for `tradekernel serve`.

Each call opens the database through the container and closes it before returning: the
API server answers from worker threads, a SQLite connection belongs to one thread, and a
bot writing the same file in another process is seen by the next call.
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from tradekernel.bootstrap.container import Container, configured
from tradekernel.bootstrap.dashboard_report import report_from_store
from tradekernel.bootstrap.explanation import find_explanation
from tradekernel.bootstrap.trading_state import set_trading_state
from tradekernel.domain.enums import TradingState
from tradekernel.domain.errors import ConfigError
from tradekernel.domain.orders import Fill, Order
from tradekernel.domain.ports.journal import EquityPoint, RunManifest
from tradekernel.domain.ports.operator_console import (
    BotView,
    OrderExplanation,
    PlanView,
    RunView,
    SessionHealth,
)

DEFAULT_BOT = "default"
# How many rejected orders the health view lists, newest first.
ERRORS_SHOWN = 20


def bot_of_run(manifest: RunManifest) -> str | None:
    """Return the bot id whose control record a run reads (None for a backtest).

    A paper replay reads the control record named by its run id; a live or dry run the one
    of its configured bot, which its run id carries (`live-<bot>-<config hash[:8]>`).
    """
    if manifest.mode.startswith("paper"):
        return manifest.run_id
    if manifest.mode in {"live", "dry-run"} and manifest.run_id.startswith("live-"):
        return manifest.run_id[len("live-") : -9] or None
    return None


def _view(manifest: RunManifest, finished: bool, summary: str) -> RunView:
    return RunView(
        run_id=manifest.run_id,
        mode=manifest.mode,
        started_ms=manifest.started_ms,
        finished=finished,
        config_hash=manifest.config_hash,
        summary_json=summary,
        bot_id=bot_of_run(manifest),
    )


class StoreConsole:
    """Read runs and bots from one SQLite run database and set bots' trading state."""

    def __init__(self, db_path: Path) -> None:
        self._db_path = db_path

    @contextmanager
    def _container(self, bot_id: str | None = None) -> Iterator[Container]:
        container = configured(db_path=self._db_path, bot_id=bot_id)
        try:
            yield container
        finally:
            container.shutdown_resources()

    def runs(self) -> Sequence[RunView]:
        with self._container() as container:
            rows = container.run_reader().run_rows()
        return [_view(*row) for row in rows]

    def run(self, run_id: str) -> RunView:
        for view in self.runs():
            if view.run_id == run_id:
                return view
        raise ConfigError(f"unknown run id {run_id!r} in this database", path="run_id")

    def equity(self, run_id: str) -> Sequence[EquityPoint]:
        with self._container() as container:
            return container.run_reader().equity(run_id)

    def trades(self, run_id: str) -> Sequence[Fill]:
        with self._container() as container:
            return container.run_reader().fills(run_id)

    def orders(self, run_id: str) -> Sequence[Order]:
        with self._container() as container:
            return container.run_reader().orders(run_id)

    def plans(self, run_id: str) -> Sequence[PlanView]:
        with self._container() as container:
            reader = container.run_reader()
            entries = reader.plans(run_id)
            named = reader.plan_order_ids(run_id)
        return [
            PlanView(
                cycle_ts_ms=entry.cycle_ts_ms,
                plan_hash=entry.plan_hash,
                client_order_ids=named.get(entry.cycle_ts_ms, ()),
            )
            for entry in entries
        ]

    def explain(self, client_order_id: str, run_id: str | None) -> OrderExplanation:
        with self._container() as container:
            return find_explanation(container.run_reader(), client_order_id, run_id)

    def bots(self) -> Sequence[BotView]:
        with self._container() as container:
            known = set(container.control_store().bot_ids())
            known.update(
                bot
                for bot in (bot_of_run(m) for m, _, _ in container.run_reader().run_rows())
                if bot is not None
            )
        known.add(DEFAULT_BOT)
        return [self.bot(bot_id) for bot_id in sorted(known)]

    def bot(self, bot_id: str) -> BotView:
        with self._container() as container:
            record = container.control_store().read(bot_id)
        state = TradingState.ACTIVE if record is None else record.state
        return BotView(bot_id=bot_id, state=state, control=record)

    def set_state(self, bot_id: str, state: TradingState, *, reason: str, source: str) -> BotView:
        with self._container() as container:
            set_trading_state(
                container.control_store(),
                bot_id=bot_id,
                state=state,
                reason=reason,
                source=source,
                now_ms=container.wall_clock().now_ms(),
            )
        return self.bot(bot_id)

    def health(self, bot_id: str) -> SessionHealth:
        with self._container(bot_id) as container:
            reader = container.run_reader()
            backoffs = tuple(container.backoff_store().load())
            latest = next((m for m, _, _ in reader.run_rows() if bot_of_run(m) == bot_id), None)
            if latest is None:
                return SessionHealth(
                    bot_id=bot_id,
                    run_id=None,
                    mode=None,
                    last_cycle_ms=None,
                    planned_cycles=0,
                    backoffs=backoffs,
                    unresolved_orders=(),
                    errors=(),
                )
            planned, last_cycle_ms = reader.cycle_span(latest.run_id)
            orders = reader.orders(latest.run_id)
        rejected = sorted(
            (o for o in orders if o.status.value == "rejected"),
            key=lambda o: (-o.updated_ms, o.client_order_id),
        )
        return SessionHealth(
            bot_id=bot_id,
            run_id=latest.run_id,
            mode=latest.mode,
            last_cycle_ms=last_cycle_ms,
            planned_cycles=planned,
            backoffs=backoffs,
            unresolved_orders=tuple(o for o in orders if not o.status.is_terminal),
            errors=tuple(rejected[:ERRORS_SHOWN]),
        )

    def report_html(self, run_id: str) -> str:
        with self._container() as container:
            return report_from_store(container.run_reader(), run_id)
