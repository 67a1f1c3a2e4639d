"""A planning context from recorded bars for one-off cycles (plan, check-lookahead)."""

from collections.abc import Sequence
from decimal import Decimal

from tradekernel.adapters.data.report import LoadedBars
from tradekernel.domain.account import Balance
from tradekernel.domain.blueprint import BlueprintSettings
from tradekernel.domain.context import PlanningContext
from tradekernel.domain.errors import ConfigError
from tradekernel.domain.market import MarkPrice
from tradekernel.shared.bars import BarSeries


def _bar_index(series: BarSeries, at_ms: int | None) -> int:
    if at_ms is None:
        return len(series) - 1
    found = int(series.ts_ms.searchsorted(at_ms, side="right")) - 1
    if found < 0:
        raise ConfigError(
            f"--at {at_ms} is before the first bar of {series.symbol} ({int(series.ts_ms[0])})",
            path="--at",
        )
    return found


def offline_context(
    settings: BlueprintSettings, data: Sequence[LoadedBars], at_ms: int | None, *, run_id: str
) -> PlanningContext[BarSeries]:
    """Return the context at `at_ms` (default: the last bar): a flat account, starting cash."""
    history: dict[str, BarSeries] = {}
    marks: dict[str, MarkPrice] = {}
    for loaded in data:
        series = loaded.series
        index = _bar_index(series, at_ms)
        history[series.symbol] = series.head(index + 1)
        marks[series.symbol] = MarkPrice(
            symbol=series.symbol,
            price=Decimal(repr(float(series.close[index]))),
            ts_ms=int(series.ts_ms[index]),
        )
    now_ms = max(int(h.ts_ms[-1]) for h in history.values()) if at_ms is None else at_ms
    quote = settings.account.quote_asset
    return PlanningContext(
        run_id=run_id,
        now_ms=now_ms,
        symbols=tuple(sorted(history)),
        history=history,
        rules={symbol: settings.rules_for(symbol) for symbol in sorted(history)},
        marks=marks,
        balances={quote: Balance(asset=quote, free=settings.account.starting_cash)},
    )
