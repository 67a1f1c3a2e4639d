"""Regression: every saved portfolio situation plans its expected best sequence per preset."""

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tradekernel.domain.account import Position
from tradekernel.domain.market import SymbolRules
from tradekernel.domain.portfolio import Correlation, MarketTrend, PortfolioState
from tradekernel.features.portfolio.factory import create_planner
from tradekernel.features.portfolio.presets import PRESETS

SITUATIONS = sorted((Path(__file__).parent / "situations").glob("*.json"))
NOW_MS = 1_767_225_600_000


def _state(raw: dict[str, Any]) -> PortfolioState:
    markets: dict[str, dict[str, str]] = raw["markets"]
    return PortfolioState(
        quote_asset="USDT",
        now_ms=NOW_MS,
        cash=Decimal(raw["cash"]),
        positions=tuple(
            Position(
                symbol=h["symbol"],
                quantity=Decimal(h["quantity"]),
                avg_entry_price=Decimal(h["avg_price"]),
            )
            for h in raw.get("holdings", [])
        ),
        marks={s: Decimal(m["mark"]) for s, m in markets.items()},
        rules={
            s: SymbolRules(
                symbol=s,
                base=s.split("/")[0],
                quote="USDT",
                tick_size=Decimal("0.0001"),
                step_size=Decimal(m["step_size"]),
                min_notional=Decimal(m["min_notional"]),
            )
            for s, m in markets.items()
        },
        scores={s: Decimal(m["score"]) for s, m in markets.items() if "score" in m},
        volatility={s: Decimal(m["volatility"]) for s, m in markets.items() if "volatility" in m},
        last_trade_ms={
            s: int(m["last_trade_ms"]) for s, m in markets.items() if "last_trade_ms" in m
        },
        target_weights={s: Decimal(w) for s, w in raw.get("target_weights", {}).items()},
        correlations=tuple(
            Correlation(a=c["a"], b=c["b"], value=Decimal(c["value"]))
            for c in raw.get("correlations", [])
        ),
        trend=MarketTrend(raw.get("trend", "sideways")),
    )


def test_there_are_at_least_ten_situations_each_with_a_reason_per_preset() -> None:
    assert len(SITUATIONS) >= 10
    for path in SITUATIONS:
        expected = json.loads(path.read_text())["expected"]
        assert set(expected) == set(PRESETS), path.name
        assert all(len(item["why"]) > 20 for item in expected.values()), path.name


@pytest.mark.parametrize("preset", sorted(PRESETS))
@pytest.mark.parametrize("path", SITUATIONS, ids=[p.stem for p in SITUATIONS])
def test_situation_plans_the_expected_best_sequence(path: Path, preset: str) -> None:
    scenario = json.loads(path.read_text())
    plan = create_planner("core", PRESETS[preset]()).plan(_state(scenario["state"]))
    assert plan.best is not None
    got = sorted(
        f"{a.side.value} {a.quantity.normalize():f} {a.symbol}" for a in plan.best.executed
    )
    assert got == sorted(scenario["expected"][preset]["trades"]), scenario["expected"][preset][
        "why"
    ]
