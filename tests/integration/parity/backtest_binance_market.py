"""The market side of the backtest-matching Binance: a market's filters and its klines."""

from decimal import Decimal
from typing import Any

from tradekernel.domain.market import Bar, SymbolRules


def binance_filters(rules: SymbolRules | None = None) -> list[dict[str, Any]]:
    """Return a market's Binance filters: `rules`, or the backtest's permissive defaults
    (`BlueprintSettings.rules_for` of a symbol the blueprint does not list)."""
    tick = rules.tick_size if rules else Decimal("0.00000001")
    step = rules.step_size if rules else Decimal("0.00000001")
    min_qty = rules.min_qty if rules else Decimal(0)
    min_notional = rules.min_notional if rules else Decimal(0)
    return [
        {
            "filterType": "PRICE_FILTER",
            "minPrice": f"{tick:.8f}",
            "maxPrice": "1000000.00000000",
            "tickSize": f"{tick:.8f}",
        },
        {
            "filterType": "LOT_SIZE",
            "minQty": f"{min_qty:.8f}",
            "maxQty": "90000000.00000000",
            "stepSize": f"{step:.8f}",
        },
        {
            "filterType": "NOTIONAL",
            "minNotional": f"{min_notional:.8f}",
            "maxNotional": "9000000.00000000",
            "applyMinToMarket": True,
            "applyMaxToMarket": False,
            "avgPriceMins": "5",
        },
    ]


def kline(bar: Bar, bar_ms: int) -> list[Any]:
    return [
        bar.ts_ms,
        f"{bar.open:f}",
        f"{bar.high:f}",
        f"{bar.low:f}",
        f"{bar.close:f}",
        f"{bar.volume:f}",
        bar.ts_ms + bar_ms - 1,
        "0",
        1,
        "0",
        "0",
        "0",
    ]
