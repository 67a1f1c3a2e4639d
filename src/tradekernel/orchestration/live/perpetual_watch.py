"""A live perpetual account: the venue's positions against the bot's own fills, and the
venue's funding payments.

A perpetual position is signed (a short is negative), so the spot ledger's holdings
cannot explain it and the venue's base balance does not exist. The bot's own fills, each
trade once, add up to a signed quantity per symbol (buys plus, sells minus), exactly as
the perpetual ledger folds them; the venue's positions (Binance `positionRisk`) are
compared with it:

- at start, inside the reconciliation the startup guard reads: a position the fills do
  not explain refuses the start, unless holdings are adopted (`--adopt-holdings`), and
  then the difference is taken as the bot's own from here on (in memory: a restart adopts
  again, or refuses);
- each cycle (one request): a mismatch is counted, and reported once per new difference.

The kernel plans on the venue's positions (quantity and entry price as the venue states
them): that is the position a reduce-only close must match. Funding payments are read
from the venue's income history on each reconciliation pass, each payment once, and
summed into paid and received.
"""

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal

from tradekernel.domain.account import Position
from tradekernel.domain.enums import Side
from tradekernel.domain.orders import Fill
from tradekernel.domain.perpetuals import PerpetualTerms
from tradekernel.domain.ports.perpetual_account import FundingPayment, PerpetualAccount
from tradekernel.orchestration.live.reconciliation import POSITION, HoldingGap
from tradekernel.shared.perp_ledger import PerpLedger

ZERO = Decimal(0)


class PerpetualWatch:
    """Positions and funding of one perpetual account, for one live session."""

    def __init__(
        self,
        *,
        account: PerpetualAccount,
        own_fills: Callable[[], Sequence[Fill]],
        symbols: Sequence[str],
        tolerance: Mapping[str, Decimal],
        adopt: bool,
        since_ms: int,
    ) -> None:
        self._account = account
        self._own_fills = own_fills
        self._symbols = tuple(sorted(symbols))
        self._tolerance = dict(tolerance)
        self._adopt = adopt
        self._adopted: dict[str, Decimal] = {}
        # What was adopted at start, and at which entry price (the venue's).
        self._adopted_at: dict[str, tuple[Decimal, Decimal]] = {}
        self._positions: dict[str, Position] = {}
        self._reported: dict[str, Decimal] = {}
        self._funding_since = since_ms
        self._funding_seen: set[str] = set()
        self._notices: list[str] = []
        self.funding: list[FundingPayment] = []
        self.checks = 0
        self.mismatches = 0
        self._started = False
        self._fresh = False

    # -- positions --------------------------------------------------------------------

    def own_quantities(self) -> dict[str, Decimal]:
        """Return the signed quantity the bot's own fills (and adopted positions) add up to."""
        totals = dict(self._adopted)
        for fill in self._own_fills():
            signed = fill.quantity if fill.side is Side.BUY else -fill.quantity
            totals[fill.symbol] = totals.get(fill.symbol, ZERO) + signed
        return totals

    def positions(self) -> dict[str, Position]:
        """Return the venue's open positions as last read, by symbol."""
        return dict(self._positions)

    def realized_pnl(self) -> Decimal:
        """Return the PnL the bot's own fills realised, folded through the perpetual
        ledger (a short's close realises `q * (exit - entry)`), adopted positions first at
        the venue's entry price; fees and funding aside."""
        ledger = PerpLedger(ZERO, PerpetualTerms())
        for symbol, quantity in sorted(self._adopted_at.items()):
            size, entry = quantity
            side = Side.BUY if size > 0 else Side.SELL
            ledger.apply(symbol, side, abs(size), entry, ZERO, 0)
        for fill in self._own_fills():
            ledger.apply(fill.symbol, fill.side, fill.quantity, fill.price, ZERO, fill.ts_ms)
        return ledger.realized_pnl

    def unrealized(self, marks: Mapping[str, Decimal]) -> Decimal:
        """Return the positions' unrealised PnL at the marks (a position without a mark:
        none)."""
        return sum(
            (
                p.quantity * (marks[s] - p.avg_entry_price)
                for s, p in self._positions.items()
                if s in marks
            ),
            ZERO,
        )

    def gaps(self) -> tuple[HoldingGap, ...]:
        """Read the venue's positions; return those the own fills do not explain.

        On the first call (the startup reconciliation) with `adopt`, every gap is taken
        as the bot's own instead, with a notice, and none is returned.

        Raises:
            Transient, Fatal: the venue could not be read.
        """
        self._read()
        self._fresh = True
        gaps = self._compare()
        if self._adopt and not self._started:
            for gap in gaps:
                self._adopted[gap.symbol] = self._adopted.get(gap.symbol, ZERO) + gap.difference
                held = self._positions.get(gap.symbol)
                entry = held.avg_entry_price if held is not None else ZERO
                self._adopted_at[gap.symbol] = (gap.difference, entry)
                self._notices.append(
                    f"adopted  venue position {gap.symbol} {gap.venue_quantity} (the store's "
                    f"fills explain {gap.ledger_quantity}): managed as the bot's own"
                )
            gaps = ()
        self._started = True
        return gaps

    def refresh(self, *, funding: bool) -> None:
        """Read the positions (one request, none if `gaps` just read them) and compare
        them; with `funding`, also read the funding payments since the last read.

        Raises:
            Transient, Fatal: the venue could not be read.
        """
        if not self._fresh:  # a reconciliation pass of this step read them already
            self._read()
        self._fresh = False
        self.checks += 1
        gaps = {gap.symbol: gap for gap in self._compare()}
        if gaps:
            self.mismatches += 1
        for symbol, gap in gaps.items():
            if self._reported.get(symbol) != gap.difference:
                self._notices.append(
                    f"warning  position mismatch {symbol}: venue {gap.venue_quantity}, the "
                    f"store's fills explain {gap.ledger_quantity}"
                )
        self._reported = {symbol: gap.difference for symbol, gap in gaps.items()}
        if funding:
            self._read_funding()

    def _read(self) -> None:
        self._positions = {
            p.symbol: p for p in self._account.venue_positions() if p.symbol in self._symbols
        }

    def _compare(self) -> tuple[HoldingGap, ...]:
        own = self.own_quantities()
        gaps: list[HoldingGap] = []
        for symbol in self._symbols:
            held = self._positions.get(symbol)
            venue_qty = held.quantity if held is not None else ZERO
            ledger_qty = own.get(symbol, ZERO)
            if abs(venue_qty - ledger_qty) > self._tolerance.get(symbol, ZERO):
                gaps.append(
                    HoldingGap(
                        symbol=symbol,
                        asset=POSITION,
                        venue_quantity=venue_qty,
                        ledger_quantity=ledger_qty,
                    )
                )
        return tuple(gaps)

    # -- funding ----------------------------------------------------------------------

    def _read_funding(self) -> None:
        for payment in self._account.funding_payments(self._funding_since):
            if payment.payment_id in self._funding_seen:
                continue
            self._funding_seen.add(payment.payment_id)
            self.funding.append(payment)
            self._funding_since = max(self._funding_since, payment.ts_ms)
            verb = "received" if payment.amount > 0 else "paid"
            self._notices.append(
                f"funding  {payment.symbol} {verb} {abs(payment.amount)} at {payment.ts_ms} "
                f"(venue id {payment.payment_id})"
            )

    def take_notices(self) -> list[str]:
        """Return the lines to show since the last call (adoptions, mismatches, funding)."""
        taken, self._notices = self._notices, []
        return taken

    def summary(self) -> dict[str, str | int]:
        """Return the session's funding and position-check figures for its summary."""
        paid = sum((-p.amount for p in self.funding if p.amount < 0), ZERO)
        received = sum((p.amount for p in self.funding if p.amount > 0), ZERO)
        return {
            "funding_paid": str(paid),
            "funding_received": str(received),
            "funding_payments": len(self.funding),
            "position_checks": self.checks,
            "position_mismatches": self.mismatches,
        }
