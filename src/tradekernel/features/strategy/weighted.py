"""The `weighted` planner: confront opportunities, threats and context into a score.

For each side with at least one opportunity:

    score = w_opp * best confidence * strength - w_threat * max severity - w_weak * weakness

where `strength` is the assessment's (1 when `use_context = false`) and only threats of the
symbol or portfolio-wide threats count. Without an open position, the best-scoring side
(BUY on a tie) opens a NEW_TRADE when its score reaches `entry_threshold`, provided the side
is BUY or `allow_short` is set and no order of the symbol is working. With an open position,
an opposite-side opportunity of confidence >= `exit_confidence`, or a threat of severity
>= `close_on_threat`, closes `close_fraction` of it. A planner never adds to a position.

`reverse = true` (with `close_fraction = 1`) flips in one cycle: when an opposite-side
opportunity closes the position and its score reaches `entry_threshold`, a NEW_TRADE of
that side follows the close (a short needs `allow_short`, so a perpetual account). The
close is a reduce-only order for exactly the position and comes first in the plan; the
new side is sized by the size planner (on a perpetual account from the available balance
plus what the close releases). A long/short moving-average cross is `ma_crossover` +
`weighted` with `allow_short = true`, `reverse = true` (docs/perpetuals.md).
"""

from collections.abc import Sequence
from decimal import Decimal

import attrs

from tradekernel.domain.directives import ExitDirective, StrategyDirective
from tradekernel.domain.enums import DirectiveScope, Side
from tradekernel.domain.ports.plugins import PlannerActivity
from tradekernel.domain.signals import OpportunitySignal, ThreatSignal
from tradekernel.domain.stage_inputs import StrategyInputs
from tradekernel.features.strategy.hints import (
    HintParams,
    closing_size,
    directive_id,
    entry_directive,
    exit_directive,
    opening_size,
    price_free_exit,
    routing_directive,
)
from tradekernel.features.strategy.validators import decimal_in, is_bool
from tradekernel.shared.quantize import to_decimal, to_score

_ZERO = Decimal(0)
_ONE = Decimal(1)
_NO_EXIT = ExitDirective()  # frozen: one serves every close


def _whole_close(instance: "WeightedParams", _attribute: object, value: bool) -> None:
    if value and instance.close_fraction != _ONE:
        raise ValueError(
            f"reverse = true needs close_fraction = 1 (got {instance.close_fraction}): "
            "a flip closes the whole position before opening the other side"
        )


@attrs.frozen(kw_only=True)
class WeightedParams(HintParams):
    """Weights and thresholds of the `weighted` planner (see the module docstring)."""

    w_opp: Decimal = attrs.field(default=_ONE, validator=decimal_in(_ZERO, None))
    w_threat: Decimal = attrs.field(default=_ONE, validator=decimal_in(_ZERO, None))
    w_weak: Decimal = attrs.field(default=_ONE, validator=decimal_in(_ZERO, None))
    use_context: bool = attrs.field(default=True, validator=is_bool)
    entry_threshold: Decimal = attrs.field(default=Decimal("0.5"), validator=decimal_in(None, None))
    exit_confidence: Decimal = attrs.field(
        default=Decimal("0.5"), validator=decimal_in(_ZERO, _ONE)
    )
    close_on_threat: Decimal | None = attrs.field(
        default=None, validator=decimal_in(_ZERO, _ONE, optional=True)
    )
    allow_short: bool = attrs.field(default=False, validator=is_bool)
    close_fraction: Decimal = attrs.field(
        default=_ONE, validator=decimal_in(_ZERO, _ONE, low_open=True)
    )
    reverse: bool = attrs.field(default=False, validator=[is_bool, _whole_close])


def _by_strength(signal: OpportunitySignal) -> tuple[Decimal, str]:
    return (-signal.confidence, signal.signal_id)


def _by_severity(threat: ThreatSignal) -> tuple[Decimal, str]:
    return (-threat.severity, threat.signal_id)


class WeightedPlanner:
    """Open on a strong, unthreatened opportunity; close on an opposite signal or a threat."""

    def __init__(self, params: WeightedParams, name: str = "weighted") -> None:
        self._params = params
        self._name = name
        # Hints that depend on the params alone, built once (frozen, so safely shared).
        self._entry = entry_directive(params)
        self._routing = routing_directive(params)
        self._opening = opening_size(params)
        self._fixed_exit = price_free_exit(params)
        # Every opening reason ends so: its threshold is formatted once, not per directive.
        self._entry_reason_tail = f" >= entry_threshold {params.entry_threshold}"

    @property
    def name(self) -> str:
        return self._name

    @property
    def activity(self) -> PlannerActivity:
        """Declare where this planner can act (see orchestration.activity)."""
        return PlannerActivity.SIGNALS

    @property
    def params(self) -> WeightedParams:
        return self._params

    def plan(self, inputs: StrategyInputs) -> Sequence[StrategyDirective]:
        """Return at most one directive for the symbol of `inputs`."""
        symbol = inputs.symbol
        opportunities = [o for o in inputs.opportunities if o.symbol == symbol]
        if len(opportunities) > 1:  # mostly one or none: no key to compute then
            opportunities.sort(key=_by_strength)
        threats = [t for t in inputs.threats if t.symbol is None or t.symbol == symbol]
        if len(threats) > 1:
            threats.sort(key=_by_severity)
        position = inputs.position
        if position is not None and position.is_open:
            closing = Side.SELL if position.quantity > 0 else Side.BUY
            close = self._close(inputs, abs(position.quantity), closing, opportunities, threats)
            if not close or not self._params.reverse:
                return close
            return (*close, *self._reversal(inputs, closing, opportunities, threats))
        return self._open(inputs, opportunities, threats)

    def _reversal(
        self,
        inputs: StrategyInputs,
        side: Side,
        opportunities: list[OpportunitySignal],
        threats: list[ThreatSignal],
    ) -> Sequence[StrategyDirective]:
        """Return the NEW_TRADE on `side` that follows a close, if its opportunity scores.

        Working orders do not block it: the close takes the place of the position's stop.
        """
        params = self._params
        best = next((o for o in opportunities if o.side is side), None)
        if best is None or (side is Side.SELL and not params.allow_short):
            return ()
        score = self._score(inputs, best, threats)
        if score < params.entry_threshold:
            return ()
        return (self._new_trade(inputs, side, best, threats, score),)

    def _score(
        self, inputs: StrategyInputs, best: OpportunitySignal, threats: list[ThreatSignal]
    ) -> Decimal:
        params = self._params
        strength = inputs.assessment.strength if params.use_context else _ONE
        severity = threats[0].severity if threats else _ZERO
        return (
            params.w_opp * best.confidence * strength
            - params.w_threat * severity
            - params.w_weak * inputs.assessment.weakness
        )

    def _open(
        self,
        inputs: StrategyInputs,
        opportunities: list[OpportunitySignal],
        threats: list[ThreatSignal],
    ) -> Sequence[StrategyDirective]:
        params = self._params
        best_by_side: dict[Side, OpportunitySignal] = {}
        for signal in opportunities:
            best_by_side.setdefault(signal.side, signal)
        scored = [
            (self._score(inputs, best_by_side[side], threats), side)
            for side in (Side.BUY, Side.SELL)
            if side in best_by_side
        ]
        if not scored:
            return ()
        # max() keeps the first of equal scores, so BUY wins a tie.
        score, side = max(scored, key=lambda item: item[0])
        if side is Side.SELL and not params.allow_short:
            return ()
        if score < params.entry_threshold:
            return ()
        if any(order.symbol == inputs.symbol for order in inputs.open_orders):
            return ()
        return (self._new_trade(inputs, side, best_by_side[side], threats, score),)

    def _new_trade(
        self,
        inputs: StrategyInputs,
        side: Side,
        best: OpportunitySignal,
        threats: list[ThreatSignal],
        score: Decimal,
    ) -> StrategyDirective:
        params = self._params
        causes = {best.signal_id}
        if threats and params.w_threat > 0 and threats[0].severity > 0:
            causes.add(threats[0].signal_id)
        if params.use_context or params.w_weak > 0:
            causes.add(inputs.assessment.assessment_id)
        scope = DirectiveScope.NEW_TRADE
        return StrategyDirective(
            directive_id=directive_id(inputs, self._name, side, scope),
            source=self._name,
            symbol=inputs.symbol,
            ts_ms=inputs.ts_ms,
            side=side,
            scope=scope,
            confidence=to_score(float(score)),
            entry=self._entry,
            size=self._opening,
            exit=self._fixed_exit
            if self._fixed_exit is not None
            else exit_directive(params, side, to_decimal(inputs.snapshot.close)),
            routing=self._routing,
            causes=tuple(sorted(causes)),
            reason=f"{side} score {score}{self._entry_reason_tail}",
        )

    def _close(
        self,
        inputs: StrategyInputs,
        held: Decimal,
        side: Side,
        opportunities: list[OpportunitySignal],
        threats: list[ThreatSignal],
    ) -> Sequence[StrategyDirective]:
        params = self._params
        exits = [
            o for o in opportunities if o.side is side and o.confidence >= params.exit_confidence
        ]
        hits = (
            [t for t in threats if t.severity >= params.close_on_threat]
            if params.close_on_threat is not None
            else []
        )
        if not exits and not hits:
            return ()
        # A close is confident as its strongest trigger: the entry score does not apply.
        # Both lists are sorted strongest first, so their heads are the candidates (on a
        # tie the opportunity, as max() over the opportunities then the threats would).
        reasons: list[str] = []
        trigger = _ZERO
        if exits:
            trigger = exits[0].confidence
            reasons.append(f"{exits[0].source} {trigger} >= exit_confidence")
        if hits:
            threat = hits[0]
            if not exits or threat.severity > trigger:
                trigger = threat.severity
            reasons.append(f"threat {threat.source} {threat.severity} >= close_on_threat")
        scope = DirectiveScope.CLOSE_EXISTING
        return (
            StrategyDirective(
                directive_id=directive_id(inputs, self._name, side, scope),
                source=self._name,
                symbol=inputs.symbol,
                ts_ms=inputs.ts_ms,
                side=side,
                scope=scope,
                confidence=to_score(float(trigger)),
                entry=self._entry,
                size=closing_size(held * params.close_fraction, params.close_fraction),
                exit=_NO_EXIT,
                routing=self._routing,
                causes=tuple(sorted({s.signal_id for s in exits} | {t.signal_id for t in hits})),
                reason="close: " + "; ".join(reasons),
            ),
        )
