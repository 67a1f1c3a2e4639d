"""Account value objects: balances and positions."""

from decimal import Decimal

import attrs


@attrs.frozen(kw_only=True)
class Balance:
    asset: str
    free: Decimal
    locked: Decimal = Decimal(0)

    @property
    def total(self) -> Decimal:
        return self.free + self.locked


@attrs.frozen(kw_only=True)
class Position:
    """A spot holding (quantity >= 0) or a derivatives position (signed quantity)."""

    symbol: str
    quantity: Decimal
    avg_entry_price: Decimal
    opened_ms: int = 0
    realized_pnl: Decimal = Decimal(0)

    @property
    def is_open(self) -> bool:
        return self.quantity != 0
