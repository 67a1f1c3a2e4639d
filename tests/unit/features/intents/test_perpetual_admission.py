"""The perpetual gatekeeper: margin instead of holdings, closes first, flips released."""

from decimal import Decimal

from tradekernel.domain.account import Position
from tradekernel.domain.enums import CloseSemantics, OrderType, Side, SkipReason
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.market import SymbolRules
from tradekernel.domain.perpetuals import PerpetualTerms
from tradekernel.features.intents.inputs import IntentInputs
from tradekernel.features.intents.perpetual_admission import PerpetualGatekeeper
from tradekernel.features.intents.perpetual_gates import PerpetualLimits
from tradekernel.features.intents.settings import IntentSettings

SYMBOL, OTHER = "XRP/USDT", "BTC/USDT"
TERMS = PerpetualTerms(leverage=Decimal(10), maintenance_margin_rate=Decimal("0.01"))
FEE = Decimal("0.001")


def _rules(symbol: str) -> SymbolRules:
    return SymbolRules(
        symbol=symbol,
        base=symbol.partition("/")[0],
        quote="USDT",
        tick_size=Decimal("0.0001"),
        step_size=Decimal("0.1"),
        min_notional=Decimal(0),
    )


def _keeper(
    *,
    free: Decimal = Decimal(1000),
    positions: dict[str, Position] | None = None,
    equity: Decimal | None = Decimal(1000),
    limits: PerpetualLimits | None = None,
) -> PerpetualGatekeeper:
    inputs = IntentInputs(
        run_id="r",
        cycle_ts_ms=1,
        universe=frozenset({SYMBOL, OTHER}),
        rules={SYMBOL: _rules(SYMBOL), OTHER: _rules(OTHER)},
        marks={SYMBOL: Decimal(1), OTHER: Decimal(100)},
        positions=positions or {},
        open_orders=(),
        free_balances={"USDT": free},
        equity=equity,
    )
    settings = IntentSettings(
        quote_asset="USDT",
        fee_rate=FEE,
        perpetual=TERMS,
        perpetual_limits=limits or PerpetualLimits(),
    )
    return PerpetualGatekeeper(settings, inputs, TERMS)


def _intent(
    side: Side, quantity: str, *, close: bool = False, symbol: str = SYMBOL, cid: str = "a"
) -> ExecutionIntent:
    return ExecutionIntent(
        client_order_id=f"tk{cid}",
        directive_id=f"d{cid}",
        symbol=symbol,
        side=side,
        order_type=OrderType.MARKET,
        quantity=Decimal(quantity),
        close_semantics=CloseSemantics.CLOSE_ALL if close else CloseSemantics.OPEN,
    )


def _held(quantity: str, entry: str = "1", symbol: str = SYMBOL) -> dict[str, Position]:
    return {
        symbol: Position(symbol=symbol, quantity=Decimal(quantity), avg_entry_price=Decimal(entry))
    }


def test_a_sell_without_holdings_opens_a_short_on_margin() -> None:
    # 5000 at 1 and 10x: 500 margin + 5 fee of the 1000 available.
    admitted = _keeper().admit(_intent(Side.SELL, "5000"))
    assert not admitted.skipped, admitted.skip_detail


def test_an_entry_beyond_the_available_margin_is_insufficient_balance() -> None:
    admitted = _keeper(free=Decimal(500)).admit(_intent(Side.SELL, "5000"))
    assert admitted.skip_reason is SkipReason.INSUFFICIENT_BALANCE


def test_a_close_first_releases_the_margin_the_flip_then_uses() -> None:
    # Long 9000 at 1 locks 900; 100 available. Closing at the mark of 1 releases the 900.
    keeper = _keeper(free=Decimal(100), positions=_held("9000"))
    close = keeper.admit(_intent(Side.SELL, "9000", close=True, cid="c"))
    short = keeper.admit(_intent(Side.SELL, "9000", cid="s"))
    assert not close.skipped and close.quantity == 9000
    assert not short.skipped, short.skip_detail
    # Without the position to close the same short does not fit.
    alone = _keeper(free=Decimal(100)).admit(_intent(Side.SELL, "9000"))
    assert alone.skip_reason is SkipReason.INSUFFICIENT_BALANCE
    # One plain order of both (close, then open the rest) counts the same release.
    keeper = _keeper(free=Decimal(100), positions=_held("9000"))
    assert not keeper.admit(_intent(Side.SELL, "18000")).skipped
    keeper = _keeper(free=Decimal(100), positions=_held("9000"))
    assert keeper.admit(_intent(Side.SELL, "20000")).skip_reason is SkipReason.INSUFFICIENT_BALANCE


def test_the_leverage_gate_counts_the_other_positions_and_the_flip() -> None:
    limits = PerpetualLimits(max_leverage=Decimal(3))
    # 2000 of XRP + 20 BTC at 100 = 4000 notional over 1000 equity: above 3x.
    busy = _keeper(positions=_held("20", "100", OTHER), limits=limits)
    assert busy.admit(_intent(Side.SELL, "2000")).skip_reason is SkipReason.MAX_LEVERAGE
    # A flip of a 2500 long into a 2500 short: 2500 after the close, not 0.
    flip = _keeper(positions=_held("2500"), limits=limits)
    assert not flip.admit(_intent(Side.SELL, "2500", close=True, cid="c")).skipped
    assert not flip.admit(_intent(Side.SELL, "2500", cid="s")).skipped
    over = _keeper(positions=_held("3500"), limits=limits)
    assert not over.admit(_intent(Side.SELL, "3500", close=True, cid="c")).skipped
    assert over.admit(_intent(Side.SELL, "3500", cid="s")).skip_reason is SkipReason.MAX_LEVERAGE


def test_the_liquidation_gate_refuses_a_short_liquidated_too_close() -> None:
    # At 10x with a 1 % maintenance rate a short is liquidated ~8.9 % above its price.
    near = _keeper(limits=PerpetualLimits(min_liquidation_distance=Decimal("0.1")))
    assert near.admit(_intent(Side.SELL, "100")).skip_reason is SkipReason.LIQUIDATION_TOO_CLOSE
    far = _keeper(limits=PerpetualLimits(min_liquidation_distance=Decimal("0.08")))
    assert not far.admit(_intent(Side.SELL, "100")).skipped


def test_a_second_close_sees_only_what_the_first_left() -> None:
    keeper = _keeper(positions=_held("-30"))
    first = keeper.admit(_intent(Side.BUY, "20", close=True, cid="1"))
    second = keeper.admit(_intent(Side.BUY, "20", close=True, cid="2"))
    third = keeper.admit(_intent(Side.BUY, "20", close=True, cid="3"))
    assert (first.quantity, second.quantity) == (Decimal(20), Decimal(10))
    assert third.skip_reason is SkipReason.REDUCE_ONLY_MISMATCH
