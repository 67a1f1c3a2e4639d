"""What a simulated venue reports about the account, cached between the runner's changes."""

from collections.abc import Callable, Sequence

from tradekernel.domain.account import Position
from tradekernel.domain.orders import OpenOrderView
from tradekernel.domain.ports.simulation import SimulatedVenue
from tradekernel.orchestration.cycle.assembler import AccountState


class VenueAccount:
    """What the venue reports about the account, asked again only after it may have changed.

    The venue's state changes only when the runner feeds it a bar or submits an order, and
    the runner calls `changed()` at both; in between, the positions, balances and open
    orders it reported stay true, so each is built once per change instead of per use.
    """

    def __init__(
        self,
        venue: SimulatedVenue,
        symbols: tuple[str, ...],
        open_orders: Callable[[], tuple[OpenOrderView, ...]],
    ) -> None:
        self._venue = venue
        self._open_orders = open_orders
        self._symbols = symbols
        self._known = frozenset(symbols)
        self._positions: Sequence[Position] | None = None
        self._held: tuple[str, ...] = ()
        self._state: AccountState | None = None

    def changed(self) -> None:
        """Forget what the venue reported: it fed a bar or took an order since."""
        self._positions = None
        self._state = None

    def positions(self) -> Sequence[Position]:
        """Return the venue's open positions."""
        if self._positions is None:
            self._positions = self._venue.positions()
            self._held = tuple(
                sorted({p.symbol for p in self._positions if p.quantity != 0} & self._known)
            )
        return self._positions

    def quantities(self) -> dict[str, float]:
        """Return each position's quantity as a float (what the equity curve multiplies)."""
        return {p.symbol: float(p.quantity) for p in self.positions()}

    def exposed(self) -> tuple[str, ...]:
        """Return the timeline's symbols with a holding or a working order, sorted."""
        self.positions()
        venue = self._venue
        if not venue.has_open_orders():
            return self._held
        return tuple(
            symbol
            for symbol in self._symbols
            if symbol in self._held or venue.has_open_orders(symbol)
        )

    def state(self) -> AccountState:
        """Return the balances, positions and open orders for the cycle context."""
        if self._state is None:
            venue = self._venue
            self._state = AccountState(
                balances=venue.balances(),
                positions=self.positions(),
                open_orders=self._open_orders() if venue.has_open_orders() else (),
            )
        return self._state
