"""The perpetual gates refuse with their reason codes, and reduce-only never flips."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from tradekernel.domain.enums import CloseSemantics, OrderType, Side, SkipReason
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.perpetuals import (
    PerpetualTerms,
    isolated_liquidation_price,
    margin_quantity,
)
from tradekernel.features.intents.perpetual_gates import (
    PerpetualLimits,
    leverage_gate,
    liquidation_gate,
    reduce_only_gate,
)


def _intent(side: Side, qty: Decimal, *, reduce: bool = False) -> ExecutionIntent:
    return ExecutionIntent(
        client_order_id="c",
        directive_id="d",
        symbol="XRP/USDT",
        side=side,
        order_type=OrderType.MARKET,
        quantity=qty,
        close_semantics=CloseSemantics.REDUCE_ONLY if reduce else CloseSemantics.OPEN,
    )


@given(
    side=st.sampled_from(Side),
    qty=st.integers(1, 1000),
    position=st.integers(-1000, 1000),
)
def test_reduce_only_never_flips_nor_opens(side: Side, qty: int, position: int) -> None:
    gated = reduce_only_gate(_intent(side, Decimal(qty), reduce=True), Decimal(position))
    if gated.skipped:
        assert gated.skip_reason is SkipReason.REDUCE_ONLY_MISMATCH
        assert position == 0 or (position > 0) == (side is Side.BUY)
        return
    signed = gated.quantity if side is Side.BUY else -gated.quantity
    after = position + signed
    assert after * position >= 0 and abs(after) < abs(position)


def test_an_opening_intent_passes_the_reduce_only_gate_unchanged() -> None:
    intent = _intent(Side.SELL, Decimal(5))
    assert reduce_only_gate(intent, Decimal(0)) is intent


def test_max_leverage_skips_a_short_that_would_exceed_it() -> None:
    limits = PerpetualLimits(max_leverage=Decimal(5))
    fits = _intent(Side.SELL, Decimal(500))
    kwargs = {"position": Decimal(0), "other_notional": Decimal(0), "mark": Decimal(1)}
    assert not leverage_gate(fits, equity=Decimal(100), limits=limits, **kwargs).skipped
    too_big = _intent(Side.SELL, Decimal(501))
    gated = leverage_gate(too_big, equity=Decimal(100), limits=limits, **kwargs)
    assert gated.skip_reason is SkipReason.MAX_LEVERAGE


def test_liquidation_too_close_at_high_leverage_only() -> None:
    limits = PerpetualLimits(min_liquidation_distance=Decimal("0.05"))
    mark = Decimal("1.0")
    low = PerpetualTerms(leverage=Decimal(10), maintenance_margin_rate=Decimal("0.01"))
    high = PerpetualTerms(leverage=Decimal(50), maintenance_margin_rate=Decimal("0.01"))
    short = _intent(Side.SELL, Decimal(10))
    assert not liquidation_gate(short, mark=mark, terms=low, limits=limits).skipped
    gated = liquidation_gate(short, mark=mark, terms=high, limits=limits)
    assert gated.skip_reason is SkipReason.LIQUIDATION_TOO_CLOSE


def test_liquidation_prices_lie_below_a_long_and_above_a_short() -> None:
    entry, rate = Decimal(100), Decimal("0.005")
    long = isolated_liquidation_price(Decimal(1), entry, Decimal(10), rate)
    short = isolated_liquidation_price(Decimal(-1), entry, Decimal(10), rate)
    assert long < entry < short
    # At the long's liquidation price the margin left equals the maintenance margin.
    assert abs((entry / 10 + (long - entry)) - long * rate) < Decimal("1e-20")


def test_margin_quantity_spends_the_share_of_available_at_leverage() -> None:
    terms = PerpetualTerms(leverage=Decimal(10))
    qty = margin_quantity(
        available=Decimal(1000),
        fraction=Decimal("0.5"),
        price=Decimal(2),
        leverage=terms.leverage,
        fee_rate=Decimal("0.0004"),
        step=Decimal(1),
    )
    cost = qty * 2 / 10 + qty * 2 * Decimal("0.0004")
    assert cost <= 500 < cost + Decimal("0.2008")
    assert qty == 2490
