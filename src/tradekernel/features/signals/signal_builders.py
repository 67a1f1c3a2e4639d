"""Construct signals with content-derived ids and quantised scores."""

from decimal import Decimal

from tradekernel.domain.enums import Side
from tradekernel.domain.signals import FeatureSnapshot, OpportunitySignal, ThreatSignal
from tradekernel.shared.ids import derive_id
from tradekernel.shared.quantize import SCORE_PLACES, to_score

PORTFOLIO = "*"


def opportunity(
    source: str, snapshot: FeatureSnapshot, side: Side, confidence: float, reason: str
) -> OpportunitySignal:
    """Return an opportunity with id `derive_id("opp", source, symbol, ts_ms, side)`."""
    return OpportunitySignal(
        signal_id=derive_id("opp", source, snapshot.symbol, snapshot.ts_ms, side),
        source=source,
        symbol=snapshot.symbol,
        ts_ms=snapshot.ts_ms,
        side=side,
        confidence=to_score(confidence),
        reason=reason,
    )


def threat(
    source: str, symbol: str | None, ts_ms: int, severity: float | Decimal, reason: str
) -> ThreatSignal:
    """Return a threat with id `derive_id("thr", source, symbol or "*", ts_ms)`.

    A Decimal severity (computed from account money) is clamped and quantised without
    passing through a float.
    """
    if isinstance(severity, Decimal):
        score = min(Decimal(1), max(Decimal(0), severity)).quantize(SCORE_PLACES)
    else:
        score = to_score(severity)
    return ThreatSignal(
        signal_id=derive_id("thr", source, symbol if symbol is not None else PORTFOLIO, ts_ms),
        source=source,
        symbol=symbol,
        ts_ms=ts_ms,
        severity=score,
        reason=reason,
    )
