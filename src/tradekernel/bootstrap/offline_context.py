"""A planning context from recorded bars for one-off cycles (plan, check-lookahead)."""

from collections.abc import Sequence

from tradekernel.adapters.data.report import LoadedBars
from tradekernel.domain.account import Balance
from tradekernel.domain.blueprint import BlueprintSettings
from tradekernel.domain.context import PlanningContext
from tradekernel.domain.errors import ConfigError
from tradekernel.orchestration.cycle.assembler import AccountState, SymbolCursor, assemble_context
from tradekernel.shared.bars import BarSeries
from tradekernel.shared.utc_time import utc_text


def _bar_index(series: BarSeries, at_ms: int | None) -> int:
    if at_ms is None:
        return len(series) - 1
    found = int(series.ts_ms.searchsorted(at_ms, side="right")) - 1
    if found < 0:
        raise ConfigError(
            f"--at {utc_text(at_ms)} is before the first bar of {series.symbol} "
            f"({utc_text(int(series.ts_ms[0]))})",
            path="--at",
        )
    bar_ms = int(series.ts_ms[found])
    if bar_ms == at_ms:
        return found
    # Planning on an earlier bar than asked for would show a plan of another time.
    if found == len(series) - 1:
        raise ConfigError(
            f"--at {utc_text(at_ms)} is after the last bar of {series.symbol} ({utc_text(bar_ms)})",
            path="--at",
        )
    raise ConfigError(
        f"--at {utc_text(at_ms)} falls between bars of {series.symbol} ({utc_text(bar_ms)} "
        f"and {utc_text(int(series.ts_ms[found + 1]))}); give the time of a bar",
        path="--at",
    )


def offline_context(
    settings: BlueprintSettings, data: Sequence[LoadedBars], at_ms: int | None, *, run_id: str
) -> PlanningContext[BarSeries]:
    """Return the context at `at_ms` (default: the last bar): a flat account, starting cash.

    Built by the one context assembler, as every cycle of every mode is; every symbol is
    planned on its bar at exactly `at_ms`.

    Raises:
        ConfigError: `at_ms` is before the first bar, after the last, or between two bars.
    """
    cursors: dict[str, SymbolCursor] = {}
    for loaded in data:
        series = loaded.series
        cursors[series.symbol] = SymbolCursor(
            series=series, position=_bar_index(series, at_ms), current=True
        )
    last = max(int(c.series.ts_ms[c.position]) for c in cursors.values())
    quote = settings.account.quote_asset
    cash = settings.account.starting_cash
    return assemble_context(
        run_id=run_id,
        now_ms=last if at_ms is None else at_ms,
        cursors=cursors,
        rules={symbol: settings.rules_for(symbol) for symbol in sorted(cursors)},
        account=AccountState(
            balances=(Balance(asset=quote, free=cash),), positions=(), open_orders=()
        ),
        # A flat account: its equity is its cash, and so is its peak.
        peak_equity=cash,
    )
