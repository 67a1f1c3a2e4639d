"""`PerpetualWatch`: venue positions against the bot's own fills, adoption at start,
mismatch counting, funding payments read once each."""

from collections.abc import Sequence
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from tradekernel.domain.account import Position
from tradekernel.domain.enums import Side
from tradekernel.domain.orders import Fill
from tradekernel.domain.perpetuals import PositionMode
from tradekernel.domain.ports.perpetual_account import FundingPayment
from tradekernel.orchestration.live.perpetual_watch import PerpetualWatch

SYMBOL = "BTC/USDT:USDT"


class Account:
    """A scripted perpetual account: set `quantity` and `funding` between calls."""

    def __init__(self) -> None:
        self.quantity = Decimal(0)
        self.funding: list[FundingPayment] = []
        self.position_reads = 0

    def position_mode(self) -> PositionMode:
        return PositionMode.ONE_WAY

    def venue_positions(self) -> Sequence[Position]:
        self.position_reads += 1
        if not self.quantity:
            return ()
        return (Position(symbol=SYMBOL, quantity=self.quantity, avg_entry_price=Decimal(50000)),)

    def funding_payments(self, since_ms: int) -> Sequence[FundingPayment]:
        return [p for p in self.funding if p.ts_ms >= since_ms]


def fill(side: Side, quantity: str, trade_id: str, price: int = 50000) -> Fill:
    return Fill(
        client_order_id="tk1",
        trade_id=trade_id,
        symbol=SYMBOL,
        side=side,
        quantity=Decimal(quantity),
        price=Decimal(price),
        fee=Decimal(0),
        fee_asset="USDT",
        ts_ms=1,
    )


def watch(account: Account, fills: list[Fill], *, adopt: bool = False) -> PerpetualWatch:
    return PerpetualWatch(
        account=account,
        own_fills=lambda: fills,
        symbols=(SYMBOL,),
        tolerance={SYMBOL: Decimal("0.001")},
        adopt=adopt,
        since_ms=100,
    )


def test_a_short_the_fills_explain_is_no_gap() -> None:
    account = Account()
    account.quantity = Decimal("-0.02")
    fills = [fill(Side.SELL, "0.03", "1"), fill(Side.BUY, "0.01", "2")]
    assert watch(account, fills).gaps() == ()


def test_an_unexplained_short_is_a_gap_unless_adopted() -> None:
    account = Account()
    account.quantity = Decimal("-0.01")
    (gap,) = watch(account, []).gaps()
    assert (gap.venue_quantity, gap.ledger_quantity, gap.difference) == (
        Decimal("-0.01"),
        0,
        Decimal("-0.01"),
    )
    adopting = watch(account, [], adopt=True)
    assert adopting.gaps() == ()
    assert adopting.own_quantities() == {SYMBOL: Decimal("-0.01")}
    (notice,) = adopting.take_notices()
    assert notice.startswith("adopted  venue position BTC/USDT:USDT -0.01")


def test_adoption_is_only_at_start_later_gaps_are_mismatches() -> None:
    account = Account()
    fills: list[Fill] = []
    adopting = watch(account, fills, adopt=True)
    assert adopting.gaps() == ()
    account.quantity = Decimal("0.05")  # someone trades on the account meanwhile
    assert len(adopting.gaps()) == 1


def test_mismatch_counted_each_cycle_reported_once_per_difference() -> None:
    account = Account()
    account.quantity = Decimal("0.01")
    fills: list[Fill] = []
    watched = watch(account, fills)
    for _ in range(3):
        watched.refresh(funding=False)
    assert (watched.checks, watched.mismatches) == (3, 3)
    assert len(watched.take_notices()) == 1
    fills.append(fill(Side.BUY, "0.01", "1"))
    watched.refresh(funding=False)
    assert (watched.checks, watched.mismatches) == (4, 3)
    assert watched.positions()[SYMBOL].quantity == Decimal("0.01")


def test_refresh_after_gaps_reuses_their_read() -> None:
    account = Account()
    watched = watch(account, [])
    watched.gaps()
    watched.refresh(funding=False)
    watched.refresh(funding=False)
    assert account.position_reads == 2


def test_funding_each_payment_once_in_paid_and_received() -> None:
    account = Account()
    watched = watch(account, [])
    account.funding = [
        FundingPayment(symbol=SYMBOL, ts_ms=200, amount=Decimal("-0.3"), payment_id="a"),
        FundingPayment(symbol=SYMBOL, ts_ms=300, amount=Decimal("0.1"), payment_id="b"),
    ]
    watched.refresh(funding=True)
    watched.refresh(funding=True)
    watched.refresh(funding=False)
    summary = watched.summary()
    assert (summary["funding_paid"], summary["funding_received"]) == ("0.3", "0.1")
    assert summary["funding_payments"] == 2
    assert [line.split(" at ")[0] for line in watched.take_notices()] == [
        "funding  BTC/USDT:USDT paid 0.3",
        "funding  BTC/USDT:USDT received 0.1",
    ]


@given(
    st.lists(
        st.tuples(st.sampled_from([Side.BUY, Side.SELL]), st.integers(min_value=1, max_value=99)),
        max_size=12,
    )
)
def test_own_quantity_is_the_signed_sum_of_the_fills(trades: list[tuple[Side, int]]) -> None:
    fills = [fill(side, f"0.0{qty:02d}", str(i)) for i, (side, qty) in enumerate(trades)]
    expected = sum(
        (Decimal(f"0.0{q:02d}") * (1 if s is Side.BUY else -1) for s, q in trades), Decimal(0)
    )
    account = Account()
    account.quantity = expected
    watched = watch(account, fills)
    assert watched.own_quantities().get(SYMBOL, Decimal(0)) == expected
    assert watched.gaps() == ()


def test_realized_pnl_of_a_short_and_of_an_adopted_short() -> None:
    account = Account()
    fills = [fill(Side.SELL, "0.02", "1"), fill(Side.BUY, "0.02", "2", price=49000)]
    assert watch(account, fills).realized_pnl() == Decimal("20.00")  # 0.02 * (50000 - 49000)
    account.quantity = Decimal("-0.01")  # held before the store: adopted at 50000
    fills_after: list[Fill] = []
    adopting = watch(account, fills_after, adopt=True)
    adopting.gaps()
    fills_after.append(fill(Side.BUY, "0.01", "3", price=49500))  # the bot closes it
    assert adopting.realized_pnl() == Decimal("5.00")  # 0.01 * (50000 - 49500)
