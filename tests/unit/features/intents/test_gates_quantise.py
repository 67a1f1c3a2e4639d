"""Quantising an intent: on-grid values keep their exact text, off-grid ones are floored."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from tradekernel.domain.enums import OrderType, Side
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.market import SymbolRules
from tradekernel.features.intents.gates import Gatekeeper, same_representation
from tradekernel.features.intents.inputs import IntentInputs
from tradekernel.features.intents.settings import IntentSettings

RULES = SymbolRules(
    symbol="BTC/USD",
    base="BTC",
    quote="USD",
    tick_size=Decimal("0.01"),
    step_size=Decimal("0.00000001"),
    min_notional=Decimal("0"),
)


def _gate(intent: ExecutionIntent) -> ExecutionIntent:
    inputs = IntentInputs(
        run_id="r",
        cycle_ts_ms=1,
        universe=frozenset({"BTC/USD"}),
        rules={"BTC/USD": RULES},
        marks={"BTC/USD": Decimal("30000")},
        positions={},
        open_orders=(),
        # Enough for any generated order (up to 10 BTC at 100,000): these tests are about
        # quantising, and a buy above the free balance is skipped for another reason.
        free_balances={"USD": Decimal("10000000")},
    )
    return Gatekeeper(IntentSettings(quote_asset="USD"), inputs).admit(intent)


def _intent(quantity: Decimal, price: Decimal | None) -> ExecutionIntent:
    return ExecutionIntent(
        client_order_id="tk" + "0" * 30,
        directive_id="dir-1",
        symbol="BTC/USD",
        side=Side.BUY,
        order_type=OrderType.LIMIT if price is not None else OrderType.MARKET,
        quantity=quantity,
        price=price,
    )


def test_an_intent_already_on_the_grid_is_admitted_unchanged() -> None:
    intent = _intent(Decimal("0.01000000"), Decimal("29999.50"))
    admitted = _gate(intent)
    assert admitted is intent and not admitted.skipped


def test_an_equal_value_with_another_exponent_is_rewritten_to_the_grid() -> None:
    admitted = _gate(_intent(Decimal("0.01"), Decimal("29999.5")))
    assert (str(admitted.quantity), str(admitted.price)) == ("0.01000000", "29999.50")


@given(
    units=st.integers(min_value=10_000, max_value=10**9),
    extra=st.integers(min_value=0, max_value=99),
    cents=st.integers(min_value=100, max_value=10**7),
)
def test_admitted_values_are_floored_to_the_step_and_tick_with_their_exponent(
    units: int, extra: int, cents: int
) -> None:
    quantity = Decimal(units).scaleb(-8) + Decimal(extra).scaleb(-10)
    price = Decimal(cents).scaleb(-2) + Decimal(extra).scaleb(-4)
    admitted = _gate(_intent(quantity, price))
    assert not admitted.skipped
    assert admitted.quantity == Decimal(units).scaleb(-8)
    assert admitted.quantity.as_tuple().exponent == -8
    assert admitted.price == Decimal(cents).scaleb(-2)  # a buy's price rounds down
    assert admitted.price is not None and admitted.price.as_tuple().exponent == -2


def _plain_same(x: Decimal | None, y: Decimal | None) -> bool:
    return x is y if x is None or y is None else x.as_tuple() == y.as_tuple()


@given(
    st.one_of(st.none(), st.decimals(allow_nan=False, places=None)),
    st.one_of(st.none(), st.decimals(allow_nan=False, places=None)),
)
def test_same_representation_means_same_sign_digits_and_exponent(
    a: Decimal | None, b: Decimal | None
) -> None:
    # The quantise gate copies an intent only when a value's text would change.
    assert same_representation(a, b) == _plain_same(a, b)
    assert same_representation(a, a)


@given(
    st.decimals(min_value=-1000, max_value=1000, places=4),
    st.integers(min_value=0, max_value=3),
)
def test_a_value_with_more_zeros_is_not_the_same_representation(
    value: Decimal, extra_zeros: int
) -> None:
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    padded = value.quantize(Decimal(1).scaleb(exponent - extra_zeros))
    assert padded == value
    assert same_representation(value, padded) == (extra_zeros == 0)
    assert same_representation(value, Decimal(str(value)))
    assert not same_representation(Decimal("0"), Decimal("-0"))
