"""The TOML shapes of a portfolio config and its state file (structured strictly)."""

from decimal import Decimal
from typing import Any

import attrs

from tradekernel.domain.portfolio import MarketTrend
from tradekernel.features.portfolio.settings import Sliders


@attrs.frozen(kw_only=True)
class MarketFile:
    """One symbol: its mark and rules, plus optional score, volatility and last trade."""

    mark: Decimal
    tick_size: Decimal
    step_size: Decimal
    min_qty: Decimal = Decimal(0)
    min_notional: Decimal = Decimal(0)
    score: Decimal | None = None
    volatility: Decimal | None = None
    last_trade_ms: int | None = None


@attrs.frozen(kw_only=True)
class HoldingFile:
    symbol: str
    quantity: Decimal
    avg_price: Decimal
    bucket: str = "core"
    opened_ms: int = 0


@attrs.frozen(kw_only=True)
class CorrelationFile:
    a: str
    b: str
    value: Decimal


@attrs.frozen(kw_only=True)
class StateFile:
    """The portfolio state: cash, holdings, markets and per-bucket optimiser targets."""

    quote_asset: str
    now_ms: int
    cash: Decimal
    markets: dict[str, MarketFile]
    holdings: list[HoldingFile] = attrs.Factory(list)
    correlations: list[CorrelationFile] = attrs.Factory(list)
    trend: MarketTrend = MarketTrend.SIDEWAYS
    targets: dict[str, dict[str, Decimal]] = attrs.Factory(dict)


@attrs.frozen(kw_only=True)
class BucketFile:
    """One bucket: capital share, a preset or a settings file, sliders and overrides."""

    capital_share: Decimal
    preset: str | None = None
    config: str | None = None
    sliders: Sliders | None = None
    target_source: str | None = None
    target_weights: dict[str, Decimal] = attrs.Factory(dict)
    simulation: dict[str, Any] = attrs.Factory(dict)
    evaluation: dict[str, Any] = attrs.Factory(dict)
    search: dict[str, Any] = attrs.Factory(dict)
    modules: dict[str, dict[str, dict[str, Any]]] = attrs.Factory(dict)


@attrs.frozen(kw_only=True)
class PortfolioSection:
    buckets: dict[str, dict[str, Any]]
    state: str | None = None
