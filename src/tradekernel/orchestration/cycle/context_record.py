"""A planning context as a record: everything but the bars, which are referenced by count.

A recorded backtest or paper cycle stores this next to its plan. With the run's data (its
files are named in the run manifest and checked by sha256) the exact context is rebuilt:
the bar windows are `series.head(bars)`, so `replay` feeds the kernel what it saw.
"""

import json
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import cattrs

from tradekernel.domain.account import Balance, Position
from tradekernel.domain.context import DEFAULT_CLIENT_ID_PREFIX, PlanningContext
from tradekernel.domain.enums import TradingState
from tradekernel.domain.errors import DataError
from tradekernel.domain.market import MarkPrice, SymbolRules
from tradekernel.domain.orders import OpenOrderView
from tradekernel.domain.ports.journal import JournalEntry
from tradekernel.orchestration.cycle.assembler import AccountState, SymbolCursor, assemble_context
from tradekernel.orchestration.records.canonical import canonical_json
from tradekernel.shared.bars import BarSeries

_converter = cattrs.Converter()
_converter.register_structure_hook(Decimal, lambda value, _: Decimal(value))


def context_json(context: PlanningContext[BarSeries]) -> str:
    """Return the canonical JSON record of a context (bar windows as counts and last times).

    Raises:
        TypeError: when the context holds something canonical JSON cannot encode (the
            message names the type); nothing falls back to another encoder.
    """
    # The attrs values go to the encoder as they are; it sorts every key, including the
    # symbol keys of these mappings, so no sorting is needed here.
    history = context.history
    record = {
        "run_id": context.run_id,
        "now_ms": context.now_ms,
        "symbols": context.symbols,
        "bars": {symbol: len(series) for symbol, series in history.items()},
        "last_ts_ms": {s: int(h.ts_ms.item(-1)) for s, h in history.items() if len(h)},
        "rules": context.rules,
        "marks": context.marks,
        "balances": context.balances,
        "positions": context.positions,
        "open_orders": context.open_orders,
        "trading_state": context.trading_state,
        "stop_new_orders": context.stop_new_orders,
        "backoff_until_ms": context.backoff_until_ms,
        "peak_equity": context.peak_equity,
    }
    if context.client_id_prefix != DEFAULT_CLIENT_ID_PREFIX:
        # Only when set: the records (and hashes) of bots with the default stay as they were.
        record["client_id_prefix"] = context.client_id_prefix
    return canonical_json(record)


def _typed(data: Mapping[str, Any], cls: type[Any]) -> dict[str, Any]:
    return {key: _converter.structure(value, cls) for key, value in data.items()}


def context_from_json(text: str, series: Mapping[str, BarSeries]) -> PlanningContext[BarSeries]:
    """Rebuild a recorded context on the run's full bar series (features may be attached).

    The context is assembled again by the one assembler (`cycle.assembler`) from the
    recorded account and the bars the record points at; the marks it derives must be the
    recorded ones, so a replay plans on exactly the context the run planned on.

    Raises:
        DataError: when a series is missing, does not match the recorded bar times, or
            gives other marks than the record's.
    """
    record = json.loads(text)
    now_ms = record["now_ms"]
    marks = _typed(record["marks"], MarkPrice)
    cursors: dict[str, SymbolCursor] = {}
    for symbol, count in record["bars"].items():
        full = series.get(symbol)
        last_ts = record["last_ts_ms"].get(symbol)
        if full is None or len(full) < count or last_ts is None:
            raise DataError(f"recorded cycle {now_ms} needs {count} bars of {symbol}")
        # The window the cycle planned on: `count` bars ending at its last bar. A backtest's
        # starts at the first bar; a live bot's is the venue's last closed bars.
        end = int(full.ts_ms.searchsorted(last_ts, side="left"))
        if end >= len(full) or int(full.ts_ms[end]) != last_ts or end + 1 < count:
            raise DataError(
                f"{symbol}: no {count} bars ending at {last_ts} in the data: not the data "
                "this run decided on"
            )
        start = end + 1 - count
        window = full if start == 0 else full.window(start, end + 1)
        cursors[symbol] = SymbolCursor(series=window, position=end - start, current=True)
    for symbol, mark in marks.items():
        # A symbol marked but not planned (a gap in its bars): its last bar at the mark.
        full = series.get(symbol)
        if symbol not in cursors and full is not None:
            position = int(full.ts_ms.searchsorted(mark.ts_ms, side="right")) - 1
            cursors[symbol] = SymbolCursor(series=full, position=position, current=False)
    peak = record["peak_equity"]
    context = assemble_context(
        run_id=record["run_id"],
        now_ms=now_ms,
        cursors=cursors,
        rules=_typed(record["rules"], SymbolRules),
        account=AccountState(
            balances=tuple(_typed(record["balances"], Balance).values()),
            positions=tuple(_typed(record["positions"], Position).values()),
            open_orders=tuple(
                _converter.structure(o, OpenOrderView) for o in record["open_orders"]
            ),
        ),
        peak_equity=None if peak is None else Decimal(peak),
        trading_state=TradingState(record["trading_state"]),
        backoff_until_ms=record["backoff_until_ms"],
        stop_new_orders=record["stop_new_orders"],
        client_id_prefix=record.get("client_id_prefix", DEFAULT_CLIENT_ID_PREFIX),
    )
    for symbol in sorted(set(marks) | set(context.marks)):
        if marks.get(symbol) != context.marks.get(symbol):
            raise DataError(
                f"recorded cycle {now_ms}: the mark of {symbol} is {marks.get(symbol)}, the bars "
                f"give {context.marks.get(symbol)}: not the data this run decided on"
            )
    if context.symbols != tuple(record["symbols"]):
        raise DataError(
            f"recorded cycle {now_ms} planned {record['symbols']}, the bars give "
            f"{list(context.symbols)}"
        )
    return context


def recorded_peak(entries: Iterable[JournalEntry]) -> Decimal | None:
    """Return the highest peak equity the recorded cycles planned with (None if none did).

    A restarted live bot resumes its drawdown threats from it. A record that is not the
    documented JSON names no peak and is passed over: this is a startup default, not a replay.
    """
    peaks: list[Decimal] = []
    for entry in entries:
        try:
            peak = json.loads(entry.context_json).get("peak_equity")
        except (ValueError, AttributeError):
            continue
        if isinstance(peak, str):
            try:
                peaks.append(Decimal(peak))
            except ArithmeticError:
                continue
    return max(peaks, default=None)
