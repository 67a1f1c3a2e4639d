"""What the API's functions return: results that print usefully in a terminal and a notebook."""

import html
import shutil
import weakref
from functools import cached_property
from pathlib import Path
from typing import Any

import attrs
from typing_extensions import override

from tradekernel.adapters.config.blueprint_loader import LoadedBlueprint
from tradekernel.adapters.reports.writer import ReportPaths
from tradekernel.bootstrap.api.frames import equity_frame, orders_frame, trades_frame
from tradekernel.bootstrap.backtest_job import BacktestOutcome, data_fingerprint
from tradekernel.bootstrap.run_report import summarise_run, write_run_outputs
from tradekernel.domain.plan import Plan


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:+.2%}"


class BacktestResult:
    """One recorded backtest: its trades, equity, orders, metrics and run plan hash.

    `db_path` is the SQLite database holding the run's records (`explain` reads it).
    """

    def __init__(
        self,
        outcome: BacktestOutcome,
        blueprint: LoadedBlueprint,
        scratch: Path | None,
    ) -> None:
        self._outcome = outcome
        self._blueprint = blueprint
        if scratch is not None:
            # The default database's directory lives as long as the result.
            weakref.finalize(self, shutil.rmtree, scratch, ignore_errors=True)

    @property
    def run_id(self) -> str:
        return self._outcome.run_id

    @property
    def plan_hash(self) -> str:
        """The run plan hash `tradekernel backtest` prints for the same inputs."""
        return self._outcome.result.run_plan_hash

    @property
    def db_path(self) -> Path:
        return self._outcome.db_path

    @property
    def stats(self) -> dict[str, Any]:
        """The summary metrics (as in summary.json): fractions as floats, money as Decimal."""
        return attrs.asdict(self._outcome.metrics)

    @cached_property
    def trades(self) -> Any:
        """Closed trades as a pandas DataFrame, one row per round trip."""
        return trades_frame(self._outcome.result.closed_trades)

    @cached_property
    def orders(self) -> Any:
        """Every order of the run as a pandas DataFrame, in its final state."""
        return orders_frame(self._outcome.result.orders)

    @cached_property
    def equity(self) -> Any:
        """The equity curve (equity and cash per bar) as a pandas DataFrame."""
        result = self._outcome.result
        return equity_frame(result.equity_ts, result.equity, result.cash)

    def report(self, path: str | Path) -> ReportPaths:
        """Write trades.csv, summary.json and report.html into the directory `path`.

        Raises:
            OutputError: the directory cannot be written.
        """
        outcome = self._outcome
        result = outcome.result
        metrics, identity = summarise_run(
            result,
            blueprint=self._blueprint,
            data=outcome.data,
            run_id=outcome.run_id,
            mode="backtest",
            fingerprint=data_fingerprint(outcome.data),
            exposure=result.exposed_bars / result.bars if result.bars else 0.0,
        )
        paths = write_run_outputs(Path(path), result, identity=identity, metrics=metrics)
        assert paths is not None  # a directory was given
        return paths

    def explain(self, client_order_id: str) -> "Explanation":
        """Return why an order of this run exists (`tradekernel explain`)."""
        from tradekernel.bootstrap.commands.explain import explain_order

        return Explanation(explain_order(self.db_path, client_order_id, self.run_id))

    def _lines(self) -> list[tuple[str, str]]:
        m = self._outcome.metrics
        result = self._outcome.result
        return [
            ("run", self.run_id),
            ("bars", f"{result.bars} (kernel called on {result.kernel_calls})"),
            ("trades", str(m.trade_count)),
            ("final equity", f"{m.final_equity} (from {m.starting_cash})"),
            ("total return", _percent(m.total_return)),
            ("sharpe", f"{m.sharpe:.2f}"),
            ("max drawdown", _percent(-m.max_drawdown)),
            ("win rate", "n/a" if m.win_rate is None else f"{m.win_rate:.1%}"),
            ("plan hash", self.plan_hash),
        ]

    @override
    def __repr__(self) -> str:
        body = "\n".join(f"  {key:<13} {value}" for key, value in self._lines())
        return f"BacktestResult of {self._blueprint.settings.name}\n{body}"

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><th style='text-align:left'>{html.escape(key)}</th>"
            f"<td style='text-align:left'>{html.escape(value)}</td></tr>"
            for key, value in self._lines()
        )
        name = html.escape(self._blueprint.settings.name)
        return f"<b>BacktestResult of {name}</b><table>{rows}</table>"


@attrs.frozen
class PlanResult:
    """One planning cycle: the plan, its hash and the text `tradekernel plan` prints."""

    plan: Plan
    plan_hash: str
    text: str

    @override
    def __repr__(self) -> str:
        return self.text


@attrs.frozen
class Explanation:
    """Why an order exists: the text `tradekernel explain` prints."""

    text: str

    @override
    def __repr__(self) -> str:
        return self.text
