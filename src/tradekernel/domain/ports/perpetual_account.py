"""The perpetual account a live run watches: the venue's positions and funding payments."""

from collections.abc import Sequence
from decimal import Decimal
from typing import Protocol

import attrs

from tradekernel.domain.account import Position
from tradekernel.domain.perpetuals import PositionMode


@attrs.frozen(kw_only=True)
class FundingPayment:
    """One funding settlement on the account: `amount` received (> 0) or paid (< 0), in
    the quote asset, as the venue's income history states it."""

    symbol: str
    ts_ms: int
    amount: Decimal
    payment_id: str


class PerpetualAccount(Protocol):
    """What the live runner reads of a perpetual account (the venue, or the dry run's
    simulated venue)."""

    def position_mode(self) -> PositionMode:
        """Return the account's position mode (one-way or hedge)."""
        ...

    def venue_positions(self) -> Sequence[Position]:
        """Return the open positions (signed quantity, entry price), sorted by symbol."""
        ...

    def funding_payments(self, since_ms: int) -> Sequence[FundingPayment]:
        """Return the funding payments at or after `since_ms`, oldest first."""
        ...
