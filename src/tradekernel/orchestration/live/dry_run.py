"""Restarting a dry run: rebuild the paper venue's state from the store.

A dry run's venue is a paper venue that lives in the process, so a restarted dry run
starts with an empty one while the store remembers fills and working orders; the startup
guard would (rightly) refuse that venue. Before the guard runs, `restore_paper`:

1. replays every stored fill into the new paper venue as a limit order at the fill's
   price, matched by a synthetic bar at that price, so its cash and holdings are the ones
   the fills left (fees by the venue's own rates, so cash may differ by the fee rate
   difference of a market fill replayed as a limit one);
2. places every stored working order again under its own client id (the remainder of it),
   so it matches from the next live bar on, as it would have without the restart. With
   `continue_partial=True`, an order partly filled before the restart is placed again too
   (its remainder), and the returned `venue` (a `ContinuedOrdersVenue` around the paper
   venue) reports it with its stored filled quantity and numbers its next fills after the
   stored trade ids. Trade through that `venue`, and feed it the bars, from then on.
   Without the flag such an order is reported in `not_restored`, as before.

Replayed orders carry ids outside our `tk` prefix: reconciliation never takes them for
ours. The synthetic bars are stamped 1, 2, ... ms, before any real bar, so the runner's
live bars still arrive in order.
"""

from collections.abc import Iterable, Sequence
from decimal import Decimal

import attrs

from tradekernel.domain.enums import OrderType
from tradekernel.domain.errors import Rejected
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.market import Bar
from tradekernel.domain.ports.order_store import OrderEvent
from tradekernel.domain.ports.simulation import SimulatedVenue
from tradekernel.orchestration.live.continued_orders import ContinuedOrdersVenue, FilledBefore
from tradekernel.orchestration.live.recorded_fills import recorded_fills
from tradekernel.orchestration.oms.order_book import OrderBook

REPLAY_PREFIX = "restore-"
# A volume no participation cap can cut a replayed fill short of.
_UNCAPPED_VOLUME = Decimal(10) ** 18


@attrs.frozen(kw_only=True)
class PaperRestore:
    """What `restore_paper` rebuilt: fills replayed, orders placed again, and orders it
    could not rebuild (with why), which reconciliation then reports. `continued` names the
    partly filled orders placed again; `venue` is the venue to trade on (None: the paper
    venue itself)."""

    replayed_fills: int = 0
    replaced: tuple[str, ...] = ()
    not_restored: tuple[tuple[str, str], ...] = ()
    continued: tuple[str, ...] = ()
    venue: ContinuedOrdersVenue | None = None


def restore_paper(
    paper: SimulatedVenue, events: Sequence[OrderEvent], *, continue_partial: bool = False
) -> PaperRestore:
    """Rebuild a fresh paper venue from the store's events (see the module docstring).

    Raises:
        ValueError: the paper venue already saw a bar (restore only a fresh one).
    """
    stamps: dict[str, int] = {}
    replayed = 0
    for fill in recorded_fills(events):
        stamp = stamps.get(fill.symbol, 0) + 1
        stamps[fill.symbol] = stamp
        paper.submit(
            ExecutionIntent(
                client_order_id=f"{REPLAY_PREFIX}{fill.client_order_id}-{fill.trade_id}",
                directive_id="restore",
                symbol=fill.symbol,
                side=fill.side,
                order_type=OrderType.LIMIT,
                quantity=fill.quantity,
                price=fill.price,
            )
        )
        paper.on_bar(_flat_bar(fill.symbol, stamp, fill.price))
        replayed += 1
    replaced, failed, before = _place_working_orders(paper, events, continue_partial)
    return PaperRestore(
        replayed_fills=replayed,
        replaced=replaced,
        not_restored=failed,
        continued=tuple(before),
        venue=ContinuedOrdersVenue(paper, before) if continue_partial else None,
    )


def _place_working_orders(
    paper: SimulatedVenue, events: Iterable[OrderEvent], continue_partial: bool
) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...], dict[str, FilledBefore]]:
    book = OrderBook()
    for event in events:
        book.fold_in(event)
    replaced: list[str] = []
    failed: list[tuple[str, str]] = []
    before: dict[str, FilledBefore] = {}
    for state in book.states():
        if state.is_terminal:
            continue
        spec = state.spec
        coid = spec.client_order_id
        if state.filled_quantity > 0 and not continue_partial:
            # The paper venue names fills `<id>-<n>` from 1 again: a re-placed partly
            # filled order would repeat a stored trade id, and its next fill be dropped.
            failed.append((coid, "partly filled before the restart"))
            continue
        try:
            paper.submit(
                ExecutionIntent(
                    client_order_id=coid,
                    directive_id="restore",
                    symbol=spec.symbol,
                    side=spec.side,
                    order_type=spec.order_type,
                    quantity=state.remaining_quantity,
                    price=spec.price,
                    stop_price=spec.stop_price,
                    time_in_force=spec.time_in_force,
                    close_semantics=spec.close_semantics,
                )
            )
        except Rejected as error:
            failed.append((coid, str(error)))
            continue
        replaced.append(coid)
        if state.filled_quantity > 0:
            before[coid] = FilledBefore(
                quantity=spec.quantity,
                filled=state.filled_quantity,
                notional=sum((f.quantity * f.price for f in state.fills), Decimal(0)),
                trade_ids=state.trade_ids,
            )
    return tuple(replaced), tuple(failed), before


def _flat_bar(symbol: str, ts_ms: int, price: Decimal) -> Bar:
    return Bar(
        symbol=symbol,
        ts_ms=ts_ms,
        open=price,
        high=price,
        low=price,
        close=price,
        volume=_UNCAPPED_VOLUME,
    )
