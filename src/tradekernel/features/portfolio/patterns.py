"""Pattern generators: combine candidate actions into action sets worth simulating.

Each pattern is an object with a `name` and `action_sets(candidates, view, limit)`; it
returns sets of at most `limit` actions and never buys and sells one symbol in one set.
"""

import itertools
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Protocol

import attrs

from tradekernel.domain.enums import Side
from tradekernel.domain.portfolio import MarketTrend, TradeAction
from tradekernel.features.portfolio.valuation import ZERO
from tradekernel.features.portfolio.view import PlanningView

ActionSet = tuple[TradeAction, ...]
BUY_SOURCES = ("opportunity_buys", "rebalance_buys", "averaging_down", "target_weight")


class Pattern(Protocol):
    name: str

    def action_sets(
        self, candidates: tuple[TradeAction, ...], view: PlanningView, limit: int
    ) -> tuple[ActionSet, ...]: ...


@attrs.frozen(kw_only=True)
class NoParams:
    """Parameters of a module that has none."""


def ranked(actions: Iterable[TradeAction]) -> list[TradeAction]:
    """Return actions by priority, highest first; ties by content key."""
    return sorted(actions, key=lambda a: (-a.priority, a.key))


def _ranked_side(candidates: Iterable[TradeAction], side: Side, *sources: str) -> list[TradeAction]:
    return ranked(a for a in candidates if a.side is side and (not sources or a.source in sources))


def consistent(actions: Iterable[TradeAction]) -> ActionSet:
    """Drop actions that trade a symbol already traded earlier in the set."""
    seen: set[str] = set()
    kept: list[TradeAction] = []
    for action in actions:
        if action.symbol not in seen:
            seen.add(action.symbol)
            kept.append(action)
    return tuple(kept)


def _sets(*groups: Iterable[TradeAction], limit: int) -> tuple[ActionSet, ...]:
    result = []
    for group in groups:
        chosen = consistent(group)[:limit]
        if chosen:
            result.append(chosen)
    return tuple(result)


@attrs.frozen(kw_only=True)
class SimplePattern:
    """A pattern defined by one function of (candidates, view, limit)."""

    name: str
    build: Callable[[tuple[TradeAction, ...], PlanningView, int], tuple[ActionSet, ...]]

    def action_sets(
        self, candidates: tuple[TradeAction, ...], view: PlanningView, limit: int
    ) -> tuple[ActionSet, ...]:
        return self.build(candidates, view, limit)


def direct_buy(c: tuple[TradeAction, ...], _v: PlanningView, limit: int) -> tuple[ActionSet, ...]:
    buys = _ranked_side(c, Side.BUY)
    return _sets(*([b] for b in buys), buys, limit=limit)


def profit_taking_reinvest(
    c: tuple[TradeAction, ...], _v: PlanningView, limit: int
) -> tuple[ActionSet, ...]:
    sells = _ranked_side(c, Side.SELL, "profit_taking")
    if not sells:
        return ()
    buys = _ranked_side(c, Side.BUY, "opportunity_buys", "rebalance_buys")
    return _sets(sells + buys[:1], sells + buys, limit=limit)


def rebalance(c: tuple[TradeAction, ...], _v: PlanningView, limit: int) -> tuple[ActionSet, ...]:
    sells = _ranked_side(c, Side.SELL, "rebalance_sells")
    buys = _ranked_side(c, Side.BUY, "rebalance_buys")
    return _sets(sells + buys, limit=limit)


def averaging_down(
    c: tuple[TradeAction, ...], _v: PlanningView, limit: int
) -> tuple[ActionSet, ...]:
    buys = _ranked_side(c, Side.BUY, "averaging_down")
    return _sets(*([b] for b in buys), buys, limit=limit)


def single_best(c: tuple[TradeAction, ...], _v: PlanningView, limit: int) -> tuple[ActionSet, ...]:
    best = ranked(c)[:1]
    return _sets(best, limit=limit)


def multi_sell(c: tuple[TradeAction, ...], _v: PlanningView, limit: int) -> tuple[ActionSet, ...]:
    sells = _ranked_side(c, Side.SELL)
    return _sets(sells, limit=limit) if len(sells) > 1 else ()


def mixed(c: tuple[TradeAction, ...], _v: PlanningView, limit: int) -> tuple[ActionSet, ...]:
    sells, buys = _ranked_side(c, Side.SELL)[:4], _ranked_side(c, Side.BUY)[:4]
    result: list[ActionSet] = []
    for n_sells, n_buys in ((1, 1), (1, 2), (2, 1), (2, 2)):
        for sold in itertools.combinations(sells, n_sells):
            for bought in itertools.combinations(buys, n_buys):
                chosen = sold + bought
                if len({a.symbol for a in chosen}) == len(chosen) and len(chosen) <= limit:
                    result.append(chosen)
    return tuple(result)


def opportunity_first(
    c: tuple[TradeAction, ...], _v: PlanningView, limit: int
) -> tuple[ActionSet, ...]:
    buys = _ranked_side(c, Side.BUY, "opportunity_buys")
    if not buys:
        return ()
    sells = _ranked_side(c, Side.SELL)
    return _sets(buys, buys + sells[:1], buys[:1] + sells, limit=limit)


def deep_rebalance(
    c: tuple[TradeAction, ...], _v: PlanningView, limit: int
) -> tuple[ActionSet, ...]:
    moves = [a for a in c if a.source == "target_weight"]
    return _sets(_ranked_side(moves, Side.SELL) + _ranked_side(moves, Side.BUY), limit=limit)


def cash_generation(
    c: tuple[TradeAction, ...], _v: PlanningView, limit: int
) -> tuple[ActionSet, ...]:
    sells = _ranked_side(c, Side.SELL)
    return _sets(*(sells[:n] for n in range(1, len(sells) + 1)), limit=limit)


def cost_optimised(
    c: tuple[TradeAction, ...], _v: PlanningView, limit: int
) -> tuple[ActionSet, ...]:
    # The fewest trades with the largest effect: biggest notionals first.
    big = sorted(c, key=lambda a: (-a.notional, a.key))
    return _sets(big[:1], big[:2], limit=limit)


@attrs.frozen(kw_only=True)
class MarketRegime:
    """Bull: add exposure; bear: reduce it; sideways: rebalance towards the targets."""

    params: NoParams
    name: str = "market_regime"

    def action_sets(
        self, candidates: tuple[TradeAction, ...], view: PlanningView, limit: int
    ) -> tuple[ActionSet, ...]:
        trend = view.state.trend
        if trend is MarketTrend.BULL:
            return _sets(_ranked_side(candidates, Side.BUY, *BUY_SOURCES), limit=limit)
        if trend is MarketTrend.BEAR:
            return _sets(_ranked_side(candidates, Side.SELL), limit=limit)
        return rebalance(candidates, view, limit)


@attrs.frozen(kw_only=True)
class AdaptiveParams:
    high_cash: Decimal = Decimal("0.3")
    low_cash: Decimal = Decimal("0.05")


@attrs.frozen(kw_only=True)
class Adaptive:
    """Pick the shape from the cash share: deploy when cash is high, raise it when low."""

    params: AdaptiveParams
    name: str = "adaptive"

    def action_sets(
        self, candidates: tuple[TradeAction, ...], view: PlanningView, limit: int
    ) -> tuple[ActionSet, ...]:
        cash_share = view.state.cash / view.equity if view.equity > 0 else ZERO
        sells, buys = _ranked_side(candidates, Side.SELL), _ranked_side(candidates, Side.BUY)
        if cash_share >= self.params.high_cash:
            return _sets(buys, limit=limit)
        if cash_share <= self.params.low_cash:
            return _sets(sells, sells + buys, limit=limit)
        return _sets(sells[:1] + buys[:1], limit=limit)


SIMPLE_PATTERNS: dict[
    str, Callable[[tuple[TradeAction, ...], PlanningView, int], tuple[ActionSet, ...]]
] = {
    "direct_buy": direct_buy,
    "profit_taking_reinvest": profit_taking_reinvest,
    "rebalance": rebalance,
    "averaging_down": averaging_down,
    "single_best": single_best,
    "multi_sell": multi_sell,
    "mixed": mixed,
    "opportunity_first": opportunity_first,
    "deep_rebalance": deep_rebalance,
    "cash_generation": cash_generation,
    "cost_optimised": cost_optimised,
}
