"""The engine on a perpetual account against an independent plain loop, to the cent.

Real Binance XRP/USDT perpetual 1h bars with their real mark-price bars and 8h funding
rates (tests/data). The blueprint (`test_perpetual_backtest.BLUEPRINT`, 50x, taker fee
0.04 %, maintenance 1 %, liquidation fee 1.25 %) opens 80 XRP long at the next open on a
cross of SMA(5) above SMA(15) when flat and closes it at the next open on the cross
below. The loop below re-implements that and the rules of docs/perpetuals.md (funding at
the mark's open, fills at the open, liquidation at the mark's low at the liquidation
price) reading the CSV files, with no tradekernel code; the engine's equity at every bar,
its round trips and its funding match it to the cent.
"""

import csv
from decimal import Decimal
from pathlib import Path

import attrs
from tests.integration.backtest.test_perpetual_backtest import (
    BARS,
    FUNDING,
    MARK,
    perpetual_blueprint,
    run_perpetual,
)
from tests.integration.backtest.test_sma_cross_reference import sma

CENT = Decimal("0.01")
QUANTITY = Decimal(80)
LEVERAGE = Decimal(50)
TAKER = Decimal("0.0004")
MAINTENANCE = Decimal("0.01")
LIQUIDATION_FEE = Decimal("0.0125")
EIGHT_HOURS = 8 * 3_600_000


@attrs.frozen
class RefTrade:
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
    funding_paid: Decimal = Decimal(0)
    trades: list[RefTrade] = attrs.field(factory=list)

    def fund(self, mark_open: Decimal, rate: Decimal) -> None:
        paid = self.qty * mark_open * rate
        self.wallet -= paid
        self.margin -= paid
        self.funding_paid += paid

    def buy(self, ts_ms: int, price: Decimal) -> None:
        fee = QUANTITY * price * TAKER
        self.wallet -= fee
        self.qty, self.basis = QUANTITY, QUANTITY * price
        self.margin = QUANTITY * price / LEVERAGE
        self.entry = (ts_ms, price, fee)

    def close(self, ts_ms: int, price: Decimal, fee_rate: Decimal) -> None:
        assert self.entry is not None
        fee = self.qty * price * fee_rate
        self.wallet += self.qty * price - self.basis - fee
        entry_ms, entry_price, entry_fee = self.entry
        self.trades.append(
            RefTrade(
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
        low = mark["low"]
        if self.margin + self.qty * low - self.basis >= self.qty * low * MAINTENANCE:
            return
        price = (self.basis - self.margin) / (self.qty - self.qty * MAINTENANCE)
        self.close(ts_ms, min(price, mark["open"]), LIQUIDATION_FEE)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _prices(row: dict[str, str]) -> dict[str, Decimal]:
    return {key: Decimal(row[key]) for key in ("open", "high", "low", "close")}


def reference() -> tuple[RefAccount, list[Decimal]]:
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
    pending: str | None = None
    for i, row in enumerate(bars):
        ts = int(row["timestamp_ms"])
        own = _prices(row)
        mark = marks.get(ts, own)
        if ts % EIGHT_HOURS == 0 and ts in rates and account.qty:
            account.fund(mark["open"], rates[ts])
        if pending == "buy":
            account.buy(ts, own["open"])
        elif pending == "sell" and account.qty:
            account.close(ts, own["open"], TAKER)
        pending = None
        account.liquidate_if_due(ts, mark)
        equity.append(account.wallet + account.qty * mark["close"] - account.basis)
        f_now, s_now = fast[i], slow[i]
        f_before, s_before = (fast[i - 1], slow[i - 1]) if i else (None, None)
        if f_now is None or s_now is None or f_before is None or s_before is None:
            continue
        gap, gap_before = f_now - s_now, f_before - s_before
        if gap_before <= 0.0 < gap and not account.qty:
            pending = "buy"
        elif gap_before >= 0.0 > gap and account.qty:
            pending = "sell"
    return account, equity


def test_the_engine_matches_the_plain_loop_to_the_cent(tmp_path: Path) -> None:
    result = run_perpetual(perpetual_blueprint(tmp_path), dense=False)
    account, equity = reference()
    # The data must liquidate and fund a held position, or the comparison proves little.
    assert sum(trade.liquidated for trade in account.trades) >= 2
    assert account.funding_paid > 0
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
        )
        for t in account.trades
    ]
    assert result.perpetual is not None
    assert result.perpetual.funding_paid == account.funding_paid
    assert result.perpetual.liquidations == sum(t.liquidated for t in account.trades)
