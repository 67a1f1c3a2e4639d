"""What the analysis stages say about a symbol: context assessment, opportunities, threats.

Scores (strength, weakness, confidence, severity) are `Decimal` in 0..1 quantised to 6
places, so they serialise canonically and compare exactly across processes.

These are frozen msgspec `Struct`s, not attrs classes: the kernel builds them per symbol
per cycle, and a Struct's keyword constructor runs in C, several times cheaper than a
frozen attrs `__init__` (docs/architecture.md, "Hot value objects"). They encode to the
same canonical JSON: every field, defaults included (`omit_defaults` is False), in sorted
key order.
"""

from collections.abc import Mapping
from decimal import Decimal

import msgspec

from tradekernel.domain.enums import Regime, Side


class FeatureSnapshot(msgspec.Struct, frozen=True, kw_only=True):
    """Context-worker outputs for one symbol at one bar (and the bar before it).

    Floats: these are indicator values, the one place floats are allowed. A value that is
    not defined yet (warm-up) is absent from the mapping, never NaN.
    """

    symbol: str
    ts_ms: int
    close: float
    current: Mapping[str, float]
    previous: Mapping[str, float]

    def get(self, name: str) -> float | None:
        return self.current.get(name)

    def get_previous(self, name: str) -> float | None:
        return self.previous.get(name)


class ContextAssessment(msgspec.Struct, frozen=True, kw_only=True):
    """How favourable the context is: `strength` (for trading) and `weakness` (against)."""

    assessment_id: str
    symbol: str
    ts_ms: int
    strength: Decimal
    weakness: Decimal
    regime: Regime = Regime.UNKNOWN
    summary: tuple[tuple[str, Decimal], ...] = ()


class OpportunitySignal(msgspec.Struct, frozen=True, kw_only=True):
    signal_id: str
    source: str
    symbol: str
    ts_ms: int
    side: Side
    confidence: Decimal
    reason: str


class ThreatSignal(msgspec.Struct, frozen=True, kw_only=True):
    """A reason not to trade, or to reduce; `symbol` None means portfolio-wide."""

    signal_id: str
    source: str
    symbol: str | None
    ts_ms: int
    severity: Decimal
    reason: str
