"""A planning context as a record: everything but the bars, which are referenced by count.

A recorded backtest or paper cycle stores this next to its plan. With the run's data (its
files are named in the run manifest and checked by sha256) the exact context is rebuilt:
the bar windows are `series.head(bars)`, so `replay` feeds the kernel what it saw.
"""

import json
from collections.abc import Callable, Mapping
from decimal import Decimal
from json.encoder import encode_basestring_ascii
from typing import Any

import cattrs

from tradekernel.domain.account import Balance, Position
from tradekernel.domain.context import PlanningContext
from tradekernel.domain.enums import TradingState
from tradekernel.domain.errors import DataError
from tradekernel.domain.market import MarkPrice, SymbolRules
from tradekernel.domain.orders import OpenOrderView
from tradekernel.orchestration.canonical import canonical_text, unstructure
from tradekernel.orchestration.canonical_writer import plain_text
from tradekernel.shared.bars import BarSeries

_converter = cattrs.Converter()
_converter.register_structure_hook(Decimal, lambda value, _: Decimal(value))
_esc = encode_basestring_ascii


def context_json(context: PlanningContext[BarSeries]) -> str:
    """Return the canonical JSON record of a context (bar windows as counts and last times).

    The text is written directly; it is byte-identical to `reference_context_json`, which
    is used instead whenever the direct writer cannot write a part exactly.

    Raises:
        TypeError: when the context holds something JSON cannot encode.
    """
    try:
        return _written(context)
    except Exception:
        return reference_context_json(context)


def _written(context: PlanningContext[BarSeries]) -> str:
    # Keys in sorted order; each part is json.dumps's text of the reference record's part.
    history = sorted(context.history.items())
    peak = context.peak_equity
    return "".join(
        (
            '{"backoff_until_ms":',
            _mapping(context.backoff_until_ms, plain_text),
            ',"balances":',
            _mapping(context.balances, canonical_text),
            ',"bars":{',
            ",".join([_esc(s) + ":" + str(len(h)) for s, h in history]),
            '},"last_ts_ms":{',
            ",".join([_esc(s) + ":" + str(int(h.ts_ms[-1])) for s, h in history if len(h)]),
            '},"marks":',
            _mapping(context.marks, canonical_text),
            ',"now_ms":',
            plain_text(context.now_ms),
            ',"open_orders":[',
            ",".join([canonical_text(o) for o in context.open_orders]),
            '],"peak_equity":',
            "null" if peak is None else _esc(str(peak)),
            ',"positions":',
            _mapping(context.positions, canonical_text),
            ',"rules":',
            _mapping(context.rules, canonical_text),
            ',"run_id":',
            plain_text(context.run_id),
            ',"stop_new_orders":',
            plain_text(context.stop_new_orders),
            ',"symbols":[',
            ",".join([plain_text(s) for s in context.symbols]),
            '],"trading_state":',
            plain_text(context.trading_state.value),
            "}",
        )
    )


def _mapping(mapping: Mapping[str, Any], write: Callable[[Any], str]) -> str:
    # Raises on a key that is not a str: json would convert it, the reference path does.
    if not mapping:
        return "{}"
    if len(mapping) == 1:
        ((key, value),) = mapping.items()
        return "{" + _esc(key) + ":" + write(value) + "}"
    return "{" + ",".join([_esc(k) + ":" + write(v) for k, v in sorted(mapping.items())]) + "}"


def reference_context_json(context: PlanningContext[BarSeries]) -> str:
    """Return the canonical JSON record of a context the slow, obviously right way."""
    record = {
        "run_id": context.run_id,
        "now_ms": context.now_ms,
        "symbols": list(context.symbols),
        "bars": {s: len(h) for s, h in sorted(context.history.items())},
        "last_ts_ms": {s: int(h.ts_ms[-1]) for s, h in sorted(context.history.items()) if len(h)},
        "rules": {s: unstructure(r) for s, r in sorted(context.rules.items())},
        "marks": {s: unstructure(m) for s, m in sorted(context.marks.items())},
        "balances": {a: unstructure(b) for a, b in sorted(context.balances.items())},
        "positions": {s: unstructure(p) for s, p in sorted(context.positions.items())},
        "open_orders": [unstructure(o) for o in context.open_orders],
        "trading_state": context.trading_state.value,
        "stop_new_orders": context.stop_new_orders,
        "backoff_until_ms": dict(sorted(context.backoff_until_ms.items())),
        "peak_equity": None if context.peak_equity is None else str(context.peak_equity),
    }
    return json.dumps(record, sort_keys=True, separators=(",", ":"))


def _typed(data: Mapping[str, Any], cls: type[Any]) -> dict[str, Any]:
    return {key: _converter.structure(value, cls) for key, value in data.items()}


def context_from_json(text: str, series: Mapping[str, BarSeries]) -> PlanningContext[BarSeries]:
    """Rebuild a recorded context on the run's full bar series (features may be attached).

    Raises:
        DataError: when a series is missing or does not match the recorded last bar time.
    """
    record = json.loads(text)
    history: dict[str, BarSeries] = {}
    for symbol, count in record["bars"].items():
        full = series.get(symbol)
        if full is None or len(full) < count:
            raise DataError(f"recorded cycle {record['now_ms']} needs {count} bars of {symbol}")
        window = full.head(count)
        expected = record["last_ts_ms"].get(symbol)
        if expected is not None and int(window.ts_ms[-1]) != expected:
            raise DataError(
                f"{symbol} bar {count} is at {int(window.ts_ms[-1])}, the record says {expected}:"
                " not the data this run decided on"
            )
        history[symbol] = window
    peak = record["peak_equity"]
    return PlanningContext(
        run_id=record["run_id"],
        now_ms=record["now_ms"],
        symbols=tuple(record["symbols"]),
        history=history,
        rules=_typed(record["rules"], SymbolRules),
        marks=_typed(record["marks"], MarkPrice),
        balances=_typed(record["balances"], Balance),
        positions=_typed(record["positions"], Position),
        open_orders=tuple(_converter.structure(o, OpenOrderView) for o in record["open_orders"]),
        trading_state=TradingState(record["trading_state"]),
        stop_new_orders=record["stop_new_orders"],
        backoff_until_ms=record["backoff_until_ms"],
        peak_equity=None if peak is None else Decimal(peak),
    )
