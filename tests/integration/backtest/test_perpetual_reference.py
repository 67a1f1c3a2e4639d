"""The engine on a perpetual account against an independent plain loop, to the cent.

Real Binance XRP/USDT perpetual 1h bars with their real mark-price bars and 8h funding
rates (tests/data). The blueprint (`test_perpetual_backtest.BLUEPRINT` at 30x, taker fee
0.04 %, maintenance 1 %, liquidation fee 1.25 %) trades 80 XRP at the next open on a cross
of SMA(5) and SMA(15): long-only, it opens a long on the cross above when flat and closes
it on the cross below; long/short (`allow_short`, `reverse`), a cross closes the position
held against it and opens the other side (close first, both at the next open), or opens
from flat. The loop below re-implements that and the rules of docs/perpetuals.md (funding
at the mark's open on the position held, fills at the open, liquidation at the mark's
adverse extreme at the liquidation price, or the open beyond it) reading the CSV files,
with no tradekernel code; the engine's equity at every bar, its round trips and its
funding match it to the cent.
"""

import csv
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from tests.integration.backtest.test_perpetual_backtest import (
    BARS,
    FUNDING,
    LONG_SHORT,
    MARK,
    perpetual_blueprint,
    run_perpetual,
)
from tests.integration.backtest.test_sma_cross_reference import sma

CENT = Decimal("0.01")
QUANTITY = Decimal(80)
LEVERAGE = Decimal(30)
TAKER = Decimal("0.0004")
MAINTENANCE = Decimal("0.01")
LIQUIDATION_FEE = Decimal("0.0125")
EIGHT_HOURS = 8 * 3_600_000


@attrs.frozen
class RefTrade:
    long: bool
    entry_ms: int
    entry_price: Decimal
    exit_ms: int
    exit_price: Decimal
    fees: Decimal
    pnl: Decimal
    liquidated: bool


@attrs.define
class RefAccount:
    """Wallet, signed quantity and basis, isolated margin, the open trade, by the doc."""

    wallet: Decimal
    qty: Decimal = Decimal(0)
    basis: Decimal = Decimal(0)
    margin: Decimal = Decimal(0)
    entry: tuple[int, Decimal, Decimal] | None = None  # time, price, fee
    funding_paid: Decimal = Decimal(0)  # net: negative when it received more
    trades: list[RefTrade] = attrs.field(factory=list)

    def fund(self, mark_open: Decimal, rate: Decimal) -> None:
        paid = self.qty * mark_open * rate
        self.wallet -= paid
        self.margin -= paid
        self.funding_paid += paid

    def open(self, ts_ms: int, signed: Decimal, price: Decimal) -> None:
        fee = QUANTITY * price * TAKER
        self.wallet -= fee
        self.qty, self.basis = signed, signed * price
        self.margin = QUANTITY * price / LEVERAGE
        self.entry = (ts_ms, price, fee)

    def close(self, ts_ms: int, price: Decimal, fee_rate: Decimal) -> None:
        assert self.entry is not None
        fee = abs(self.qty) * price * fee_rate
        self.wallet += self.qty * price - self.basis - fee
        entry_ms, entry_price, entry_fee = self.entry
        self.trades.append(
            RefTrade(
                long=self.qty > 0,
                entry_ms=entry_ms,
                entry_price=entry_price,
                exit_ms=ts_ms,
                exit_price=price,
                fees=entry_fee + fee,
                pnl=self.qty * (price - entry_price) - entry_fee - fee,
                liquidated=fee_rate == LIQUIDATION_FEE,
            )
        )
        self.qty = self.basis = self.margin = Decimal(0)
        self.entry = None

    def liquidate_if_due(self, ts_ms: int, mark: dict[str, Decimal]) -> None:
        if not self.qty:
            return
        worst = mark["low"] if self.qty > 0 else mark["high"]
        size = abs(self.qty)
        if self.margin + self.qty * worst - self.basis >= size * worst * MAINTENANCE:
            return
        price = (self.basis - self.margin) / (self.qty - size * MAINTENANCE)
        price = min(price, mark["open"]) if self.qty > 0 else max(price, mark["open"])
        self.close(ts_ms, price, LIQUIDATION_FEE)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _prices(row: dict[str, str]) -> dict[str, Decimal]:
    return {key: Decimal(row[key]) for key in ("open", "high", "low", "close")}


def reference(*, shorts: bool) -> tuple[RefAccount, list[Decimal]]:
    """Run the plain loop; return the account and the equity at every bar."""
    bars = _rows(BARS)
    marks = {int(row["timestamp_ms"]): _prices(row) for row in _rows(MARK)}
    rates = {
        int(row["timestamp_ms"]) // EIGHT_HOURS * EIGHT_HOURS: Decimal(row["funding_rate"])
        for row in _rows(FUNDING)
    }
    closes = [float(row["close"]) for row in bars]
    fast, slow = sma(closes, 5), sma(closes, 15)
    account = RefAccount(wallet=Decimal(100))
    equity: list[Decimal] = []
    pending: int = 0  # the side to hold from the next open: 1 long, -1 short, 0 no change
    for i, row in enumerate(bars):
        ts = int(row["timestamp_ms"])
        own = _prices(row)
        mark = marks.get(ts, own)
        if ts % EIGHT_HOURS == 0 and ts in rates and account.qty:
            account.fund(mark["open"], rates[ts])
        if pending:
            if account.qty:
                account.close(ts, own["open"], TAKER)
            if pending > 0 or shorts:
                account.open(ts, pending * QUANTITY, own["open"])
        pending = 0
        account.liquidate_if_due(ts, mark)
        equity.append(account.wallet + account.qty * mark["close"] - account.basis)
        f_now, s_now = fast[i], slow[i]
        f_before, s_before = (fast[i - 1], slow[i - 1]) if i else (None, None)
        if f_now is None or s_now is None or f_before is None or s_before is None:
            continue
        gap, gap_before = f_now - s_now, f_before - s_before
        up, down = gap_before <= 0.0 < gap, gap_before >= 0.0 > gap
        # A cross acts unless the position is already on its side (no adding).
        if up and account.qty <= 0:
            pending = 1
        elif down and (account.qty > 0 or (shorts and not account.qty)):
            pending = -1
    return account, equity


@pytest.mark.parametrize("shorts", [False, True], ids=["long_only", "long_short"])
def test_the_engine_matches_the_plain_loop_to_the_cent(tmp_path: Path, shorts: bool) -> None:
    blueprint = perpetual_blueprint(
        tmp_path, leverage=str(LEVERAGE), shorts=LONG_SHORT if shorts else ""
    )
    result = run_perpetual(blueprint, dense=False)
    account, equity = reference(shorts=shorts)
    # The data must close by signal, liquidate and fund a held position, or the comparison
    # proves little (long/short: flips, and liquidations of a long and of a short).
    assert {trade.liquidated for trade in account.trades} == {True, False}
    liquidated = {trade.long for trade in account.trades if trade.liquidated}
    assert liquidated == ({True, False} if shorts else {True})
    assert account.funding_paid != 0
    assert {trade.long for trade in account.trades} == ({True, False} if shorts else {True})
    assert result.skipped_intents == ()
    assert len(result.equity) == len(equity)
    for index, (engine, ref) in enumerate(zip(result.equity.tolist(), equity, strict=True)):
        assert abs(Decimal(repr(engine)) - ref) < Decimal("0.005"), index
    assert result.final_equity.quantize(CENT) == equity[-1].quantize(CENT)
    engine_trades = [
        (
            t.entry_time_ms,
            t.entry_price,
            t.exit_time_ms,
            t.exit_price.quantize(CENT),
            t.fees.quantize(CENT),
            t.pnl.quantize(CENT),
            t.exit_reason.value == "liquidation",
            t.side.value == "buy",
        )
        for t in result.closed_trades
    ]
    assert engine_trades == [
        (
            t.entry_ms,
            t.entry_price,
            t.exit_ms,
            t.exit_price.quantize(CENT),
            t.fees.quantize(CENT),
            t.pnl.quantize(CENT),
            t.liquidated,
            t.long,
        )
        for t in account.trades
    ]
    assert result.perpetual is not None
    funding = result.perpetual.funding_paid - result.perpetual.funding_received
    assert funding == account.funding_paid
    assert result.perpetual.liquidations == sum(t.liquidated for t in account.trades)
