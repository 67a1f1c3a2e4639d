"""Build a plan's execution intents: expand, gate, and order them by the documented key."""

from collections.abc import Sequence
from decimal import Decimal

from tradekernel.domain.enums import DirectiveScope, OrderType, SkipReason
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.orders import OpenOrderView
from tradekernel.domain.ports.plugins import AllocationRejection
from tradekernel.domain.trade_plans import ExecutionDirective
from tradekernel.features.intents.expansion import expand
from tradekernel.features.intents.gates import Gatekeeper
from tradekernel.features.intents.inputs import IntentInputs
from tradekernel.features.intents.perpetual_admission import PerpetualGatekeeper
from tradekernel.features.intents.settings import IntentSettings
from tradekernel.shared.quantize import floor_to_step


def intent_order_key(intent: ExecutionIntent) -> tuple[int, str, int, str]:
    """Return the plan order of an intent: reductions first (they free cash), then symbol,
    slice index and client order id. Consumers submit in this order and never re-sort."""
    return (
        0 if intent.reduce_only else 1,
        intent.symbol,
        intent.slice_index,
        intent.client_order_id,
    )


class IntentBuilder:
    """Turn allocated execution directives into quantised, gated intents."""

    def __init__(self, settings: IntentSettings) -> None:
        self._settings = settings

    def build(
        self,
        accepted: Sequence[ExecutionDirective],
        rejected: Sequence[tuple[ExecutionDirective, AllocationRejection]],
        inputs: IntentInputs,
    ) -> tuple[ExecutionIntent, ...]:
        """Return every intent of the cycle, tradable or skipped, in plan order."""
        raw: list[ExecutionIntent] = []
        claimed: set[str] = set()
        for execution in accepted:
            pieces = expand(
                execution, inputs.run_id, inputs.cycle_ts_ms, prefix=inputs.client_id_prefix
            )
            if pieces and execution.directive.scope is not DirectiveScope.NEW_TRADE:
                pieces[0] = _taking_place(pieces[0], inputs.open_orders, claimed)
            raw.extend(_balanced(pieces, execution.size.quantity, inputs))
        refused: list[ExecutionIntent] = []
        for execution, rejection in rejected:
            for intent in expand(
                execution, inputs.run_id, inputs.cycle_ts_ms, prefix=inputs.client_id_prefix
            ):
                refused.append(intent.skip(SkipReason(rejection.reason), rejection.detail))
        if len(raw) > 1:  # sort() calls the key even for a single intent
            raw.sort(key=intent_order_key)
        terms = self._settings.perpetual
        gatekeeper = (
            Gatekeeper(self._settings, inputs)
            if terms is None
            else PerpetualGatekeeper(self._settings, inputs, terms)
        )
        admitted = [gatekeeper.admit(intent) for intent in raw]
        if not refused:
            # The gates change no field of the order key, so `raw`'s order stands.
            return tuple(admitted)
        return tuple(sorted([*admitted, *refused], key=intent_order_key))


_STOPS = (OrderType.STOP, OrderType.STOP_LIMIT)


def _taking_place(
    intent: ExecutionIntent, working: tuple[OpenOrderView, ...], claimed: set[str]
) -> ExecutionIntent:
    """Return a stop move or a close naming the working stop it takes the place of.

    A stop is moved, never stacked (break-even, a trailing stop); a close or partial exit
    replaces the stop too, as the stop locks the holding it would sell (a later
    break-even places it again for what remains). The first working stop of the symbol and
    side not yet claimed this cycle, in client id order, is the one replaced.
    """
    for order in working:
        if (
            order.symbol == intent.symbol
            and order.side is intent.side
            and order.order_type in _STOPS
            and order.client_order_id not in claimed
        ):
            claimed.add(order.client_order_id)
            return intent.replacing(order.client_order_id)
    return intent


def _balanced(
    pieces: list[ExecutionIntent], total: Decimal, inputs: IntentInputs
) -> list[ExecutionIntent]:
    """Floor every slice but the last to the step; the last takes the rest of the total.

    Flooring each slice on its own would lose up to one step per slice (3 slices of a
    3-unit order could buy 2.99999998), and a sliced close would then leave dust held.
    """
    if len(pieces) < 2:
        return pieces
    rules = inputs.rules.get(pieces[0].symbol)
    if rules is None:
        return pieces  # the gates skip them as rules_unavailable
    floored = [floor_to_step(piece.quantity, rules.step_size) for piece in pieces[:-1]]
    rest = floor_to_step(total, rules.step_size) - sum(floored, Decimal(0))
    quantities = [*floored, max(rest, Decimal(0))]
    return [
        piece.requantised(q, piece.price, piece.stop_price)
        for piece, q in zip(pieces, quantities, strict=True)
    ]
