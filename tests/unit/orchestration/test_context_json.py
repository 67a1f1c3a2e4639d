"""A context's canonical record: the plain reference record, encoded without any fallback."""

import json
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.unit.orchestration.kernel.kernel_fixtures import context_at, real_series, rich_kernel
from tests.unit.orchestration.test_canonical import (
    DECIMALS,
    PROPERTY,
    TEXT,
    plain,
    strategy_for,
)

from tradekernel.domain.account import Balance, Position
from tradekernel.domain.context import PlanningContext
from tradekernel.domain.enums import TradingState
from tradekernel.domain.market import MarkPrice, SymbolRules
from tradekernel.domain.orders import OpenOrderView
from tradekernel.orchestration.cycle.context_record import context_json
from tradekernel.shared.bars import BarSeries


def reference_context(context: PlanningContext[BarSeries]) -> str:
    """Return the documented record: everything but the bars, which are counted."""
    history = sorted(context.history.items())
    record = {
        "run_id": context.run_id,
        "now_ms": context.now_ms,
        "symbols": list(context.symbols),
        "bars": {s: len(h) for s, h in history},
        "last_ts_ms": {s: int(h.ts_ms[-1]) for s, h in history if len(h)},
        "rules": plain(dict(context.rules)),
        "marks": plain(dict(context.marks)),
        "balances": plain(dict(context.balances)),
        "positions": plain(dict(context.positions)),
        "open_orders": plain(context.open_orders),
        "trading_state": context.trading_state.value,
        "stop_new_orders": context.stop_new_orders,
        "backoff_until_ms": dict(context.backoff_until_ms),
        "peak_equity": None if context.peak_equity is None else str(context.peak_equity),
    }
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


RICH = rich_kernel()
SERIES = real_series(RICH)
CONTEXTS = [
    context_at(
        RICH,
        SERIES,
        index,
        cash=Decimal("50000") if index % 2 else Decimal("150.5"),
        held=Decimal("0.0173") if index % 3 == 0 else Decimal(0),
        with_order=index % 5 == 0,
    )
    for index in range(40, 3000, 97)
]


def test_real_contexts_encode_as_the_reference_record() -> None:
    for context in CONTEXTS:
        assert context_json(context) == reference_context(context)


@PROPERTY
@given(
    context=st.builds(
        attrs.evolve,
        st.sampled_from(CONTEXTS),
        run_id=TEXT,
        now_ms=st.integers(min_value=0, max_value=2**62),
        symbols=st.lists(TEXT, max_size=3).map(tuple),
        rules=st.dictionaries(TEXT, strategy_for(SymbolRules), max_size=2),
        marks=st.dictionaries(TEXT, strategy_for(MarkPrice), max_size=2),
        balances=st.dictionaries(TEXT, strategy_for(Balance), max_size=2),
        positions=st.dictionaries(TEXT, strategy_for(Position), max_size=2),
        open_orders=st.lists(strategy_for(OpenOrderView), max_size=2).map(tuple),
        trading_state=st.sampled_from(list(TradingState)),
        stop_new_orders=st.booleans(),
        backoff_until_ms=st.dictionaries(TEXT, st.integers(), max_size=2),
        peak_equity=st.none() | DECIMALS,
    )
)
def test_generated_contexts_encode_deterministically_as_the_reference_record(
    context: PlanningContext[BarSeries],
) -> None:
    text = context_json(context)
    assert text == reference_context(context)
    assert context_json(attrs.evolve(context)) == text


def test_a_context_with_non_text_backoff_keys_raises_instead_of_falling_back() -> None:
    context = attrs.evolve(CONTEXTS[0], backoff_until_ms={7: 1})
    with pytest.raises(TypeError, match="str keys"):
        context_json(context)
