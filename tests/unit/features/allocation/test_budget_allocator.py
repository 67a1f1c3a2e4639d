from collections.abc import Mapping
from decimal import Decimal

import msgspec
import pytest
from execution_directive_builder import account, execution, working
from hypothesis import given, settings
from hypothesis import strategies as st

from tradekernel.domain.enums import DirectiveScope, Side, SkipReason
from tradekernel.domain.perpetuals import PerpetualTerms
from tradekernel.domain.stage_inputs import AccountView
from tradekernel.domain.trade_plans import ExecutionDirective
from tradekernel.features.allocation.budget import BudgetAllocator, fit_quantity
from tradekernel.features.allocation.catalog import SPECS
from tradekernel.features.allocation.params import AllocationParams


def allocate(params: AllocationParams, items: list[ExecutionDirective], **kw: object):  # type: ignore[no-untyped-def]
    orders = kw.pop("orders", 0)
    return BudgetAllocator(params).allocate(items, account(**kw), working(orders))  # type: ignore[arg-type]


def test_priority_is_closes_then_confidence_then_symbol_then_id() -> None:
    items = [
        execution("d-low", confidence="0.2"),
        execution("d-b", symbol="ETH/USDT", confidence="0.9"),
        execution("d-a", symbol="BTC/USDT", confidence="0.9"),
        execution("d-a0", symbol="BTC/USDT", confidence="0.9"),
        execution("c-1", scope=DirectiveScope.CLOSE_EXISTING, side=Side.SELL, confidence="0.1"),
    ]
    result = allocate(AllocationParams(), items, cash="100000")
    assert [d.directive_id for d in result.accepted] == ["c-1", "d-a", "d-a0", "d-b", "d-low"]


def test_cash_budget_uses_the_fraction_and_keeps_the_reserve() -> None:
    # budget = min(1000 * 0.5, 1000 - 700) = 300: 3 units at 100 fit, the next does not.
    params = AllocationParams(cash_fraction=Decimal("0.5"), cash_reserve=Decimal(700))
    items = [execution("a", quantity="2", confidence="0.9"), execution("b", quantity="2")]
    result = allocate(params, items)
    assert [d.directive_id for d in result.accepted] == ["a"]
    (rejection,) = result.rejected
    assert rejection.directive_id == "b"
    assert rejection.reason is SkipReason.CASH_BUDGET
    assert "notional 200 > cash budget left 100" in rejection.detail
    assert "reserve 700" in rejection.detail


def test_partial_allocation_lowers_the_size_and_keeps_the_rest_of_the_plan() -> None:
    params = AllocationParams(cash_fraction=Decimal("0.3"), allow_partial=True)
    original = execution("b", quantity="5", price="100")
    result = allocate(params, [original])
    (kept,) = result.accepted
    assert kept.size.quantity == Decimal(3)
    assert "reduced by allocation from 5: cash_budget" in kept.size.rationale
    assert (kept.entry, kept.exit, kept.routing, kept.directive) == (
        original.entry,
        original.exit,
        original.routing,
        original.directive,
    )


def test_symbol_cap_counts_existing_exposure_and_earlier_trades() -> None:
    params = AllocationParams(symbol_cap=Decimal("0.25"))
    items = [execution("a", quantity="1", confidence="0.9"), execution("b", quantity="1")]
    result = allocate(params, items, cash="10000", exposure={"BTC/USDT": "60"})
    # cap 250, exposure 60 + 100 = 160, then + 100 = 260 > 250.
    assert [d.directive_id for d in result.accepted] == ["a"]
    assert result.rejected[0].reason is SkipReason.SYMBOL_EXPOSURE_CAP
    assert "symbol cap left 90" in result.rejected[0].detail


def test_total_cap_spans_symbols() -> None:
    params = AllocationParams(total_cap=Decimal("0.5"))
    items = [
        execution("a", symbol="ETH/USDT", quantity="3", confidence="0.9"),
        execution("b", symbol="SOL/USDT", quantity="3"),
    ]
    result = allocate(params, items, cash="10000", exposure={"BTC/USDT": "150"})
    assert [d.directive_id for d in result.accepted] == ["a"]
    assert result.rejected[0].reason is SkipReason.TOTAL_EXPOSURE_CAP
    # equity 1000 (the builder's): cap 500, used 150 + 300 (a) = 450, so 50 left at b.
    assert result.rejected[0].detail == (
        "notional 300 > total cap left 50.0 (0.5 x equity 1000 - exposure 450)"
    )


def test_a_partial_fit_names_the_tightest_limit_with_its_figures() -> None:
    params = AllocationParams(symbol_cap=Decimal("0.02"), allow_partial=True)
    result = allocate(params, [execution("a", quantity="5", price="100")], cash="10000")
    (kept,) = result.accepted
    # cap 0.02 x equity 1000 = 20: 0.2 units at 100 fit.
    assert kept.size.quantity == Decimal("0.2")
    assert kept.size.rationale.endswith(
        "reduced by allocation from 5: symbol_exposure_cap "
        "symbol cap left 20.00 (0.02 x equity 1000 - exposure 0)"
    )


def test_max_open_positions_counts_only_new_symbols() -> None:
    params = AllocationParams(max_open_positions=2)
    items = [
        execution("add-btc", symbol="BTC/USDT", confidence="0.9"),
        execution("new-eth", symbol="ETH/USDT", confidence="0.8"),
        execution("new-sol", symbol="SOL/USDT", confidence="0.7"),
    ]
    result = allocate(params, items, cash="10000", exposure={"BTC/USDT": "100"}, open_positions=1)
    assert [d.directive_id for d in result.accepted] == ["add-btc", "new-eth"]
    assert result.rejected[0].reason is SkipReason.MAX_OPEN_POSITIONS
    assert "2 positions open or planned + 1 > max_open_positions 2" in result.rejected[0].detail


def test_max_open_orders_counts_working_orders_and_slices_and_never_blocks_closes() -> None:
    params = AllocationParams(max_open_orders=4)
    items = [
        execution("close", scope=DirectiveScope.CLOSE_EXISTING, side=Side.SELL, slices=2),
        execution("twap", slices=2, confidence="0.9"),
        execution("one", confidence="0.8"),
    ]
    result = allocate(params, items, cash="10000", orders=1)
    # 1 working + 2 (close) = 3; twap would make 5 > 4; the single order makes 4.
    assert [d.directive_id for d in result.accepted] == ["close", "one"]
    assert result.rejected[0].reason is SkipReason.MAX_OPEN_ORDERS
    over = allocate(params, items[:1], cash="0", orders=9)
    assert [d.directive_id for d in over.accepted] == ["close"]


def test_notional_falls_back_to_the_first_layer_price() -> None:
    params = AllocationParams(cash_fraction=Decimal("0.1"))
    result = allocate(params, [execution("a", price="150", layer_price_only=True)])
    assert result.rejected[0].reason is SkipReason.CASH_BUDGET
    assert "notional 150" in result.rejected[0].detail


def test_fit_quantity_never_exceeds_the_room() -> None:
    quantity = fit_quantity(Decimal(100), Decimal(3))
    assert quantity * 3 <= 100
    assert Decimal(100) / 3 - quantity < Decimal("1e-20")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"cash_fraction": Decimal(0)},
            "AllocationParams.cash_fraction: expected a decimal string in (0, 1]",
        ),
        ({"symbol_cap": Decimal("1.5")}, "AllocationParams.symbol_cap"),
        (
            {"cash_reserve": Decimal(-1)},
            "AllocationParams.cash_reserve: expected a decimal string >= 0",
        ),
        ({"max_open_orders": -1}, "AllocationParams.max_open_orders: expected an integer >= 0"),
        ({"max_open_positions": True}, "AllocationParams.max_open_positions"),
        ({"allow_partial": "yes"}, "AllocationParams.allow_partial: expected true or false"),
    ],
)
def test_bad_params_name_the_field(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError) as info:
        AllocationParams(**kwargs)  # type: ignore[arg-type]
    assert message in str(info.value)


def test_catalog_builds_the_budget_allocator() -> None:
    (spec,) = SPECS
    assert (spec.kind.value, spec.name) == ("allocator", "budget")
    assert isinstance(spec.factory(AllocationParams()), BudgetAllocator)


SYMBOLS = ["A/USDT", "B/USDT", "C/USDT"]
directive_lists = st.lists(
    st.tuples(
        st.sampled_from(SYMBOLS),
        st.integers(min_value=0, max_value=50),
        st.integers(min_value=1, max_value=300),
        st.decimals(min_value=0, max_value=1, places=2),
        st.booleans(),
        st.integers(min_value=1, max_value=3),
    ),
    max_size=8,
)
params_strategy = st.builds(
    AllocationParams,
    cash_fraction=st.decimals(min_value="0.01", max_value=1, places=2),
    cash_reserve=st.decimals(min_value=0, max_value=500, places=0),
    symbol_cap=st.none() | st.decimals(min_value="0.01", max_value=1, places=2),
    total_cap=st.none() | st.decimals(min_value="0.01", max_value=1, places=2),
    max_open_positions=st.none() | st.integers(min_value=0, max_value=3),
    max_open_orders=st.none() | st.integers(min_value=0, max_value=6),
    allow_partial=st.booleans(),
)


def build(rows: list[tuple[str, int, int, Decimal, bool, int]]) -> list[ExecutionDirective]:
    return [
        execution(
            f"d{i}",
            symbol=symbol,
            quantity=str(qty),
            price=str(price),
            confidence=str(conf),
            scope=DirectiveScope.CLOSE_EXISTING if close else DirectiveScope.NEW_TRADE,
            side=Side.SELL if close else Side.BUY,
            slices=slices,
        )
        for i, (symbol, qty, price, conf, close, slices) in enumerate(rows)
    ]


@settings(max_examples=200)
@given(
    rows=directive_lists,
    params=params_strategy,
    seed=st.randoms(use_true_random=False),
    btc_exposure=st.integers(min_value=0, max_value=400),
    orders=st.integers(min_value=0, max_value=3),
)
def test_allocation_properties(
    rows: list[tuple[str, int, int, Decimal, bool, int]],
    params: AllocationParams,
    seed: object,
    btc_exposure: int,
    orders: int,
) -> None:
    items = build(rows)
    cash, equity = Decimal(1000), Decimal(2000)
    view = account(
        cash="1000", equity="2000", exposure={"A/USDT": str(btc_exposure)}, open_positions=1
    )
    allocator = BudgetAllocator(params)
    result = allocator.allocate(items, view, working(orders))
    shuffled = list(items)
    seed.shuffle(shuffled)  # type: ignore[attr-defined]
    assert allocator.allocate(shuffled, view, working(orders)) == result

    closes = {d.directive_id for d in items if d.directive.scope is DirectiveScope.CLOSE_EXISTING}
    accepted_ids = [d.directive_id for d in result.accepted]
    assert closes <= set(accepted_ids)
    assert len(accepted_ids) + len(result.rejected) == len(items)

    new = [d for d in result.accepted if d.directive.scope is DirectiveScope.NEW_TRADE]
    spent = sum((d.size.quantity * d.entry.reference_price for d in new), Decimal(0))
    budget = max(Decimal(0), min(cash * params.cash_fraction, cash - params.cash_reserve))
    assert spent <= budget
    if params.total_cap is not None:
        assert spent == 0 or btc_exposure + spent <= params.total_cap * equity
    if params.symbol_cap is not None:
        for symbol in SYMBOLS:
            mine = sum(
                (
                    d.size.quantity * d.entry.reference_price
                    for d in new
                    if d.directive.symbol == symbol
                ),
                Decimal(0),
            )
            existing = btc_exposure if symbol == "A/USDT" else 0
            assert mine == 0 or existing + mine <= params.symbol_cap * equity
    if params.max_open_orders is not None and new:
        # Closes come first, so every accepted new trade saw all of them counted.
        planned = sum(len(d.routing.slices) for d in result.accepted)
        assert orders + planned <= params.max_open_orders
    originals = {d.directive_id: d for d in items}
    for d in result.accepted:
        assert d.size.quantity <= originals[d.directive_id].size.quantity
        if not params.allow_partial:
            assert d == originals[d.directive_id]


PERP = PerpetualTerms(leverage=Decimal(5), maintenance_margin_rate=Decimal("0.01"))


def _perp_account(cash: str, released: Mapping[str, Decimal] | None = None) -> AccountView:
    return msgspec.structs.replace(
        account(cash=cash, exposure={"BTC/USDT": "500"} if released else None),
        perpetual=PERP,
        released_by_close=released or {},
    )


def test_a_perpetual_trade_spends_its_margin_not_its_notional() -> None:
    # 1000 available at 5x opens up to 5000 of notional: 40 at 100 fit, 60 do not.
    allocator = BudgetAllocator(AllocationParams())
    fits = allocator.allocate([execution("a", quantity="40")], _perp_account("1000"), ())
    assert [d.directive_id for d in fits.accepted] == ["a"]
    too_big = allocator.allocate([execution("b", quantity="60")], _perp_account("1000"), ())
    (rejection,) = too_big.rejected
    assert rejection.reason is SkipReason.CASH_BUDGET
    assert "cash budget left 5000" in rejection.detail and "leverage 5" in rejection.detail


def test_a_perpetual_close_frees_its_margin_for_the_flip_after_it() -> None:
    close = execution("c", scope=DirectiveScope.CLOSE_EXISTING, side=Side.SELL, quantity="5")
    flip = execution("s", side=Side.SELL, quantity="60")
    allocator = BudgetAllocator(AllocationParams())
    alone = allocator.allocate([flip], _perp_account("1000", {"BTC/USDT": Decimal(0)}), ())
    assert alone.rejected
    # The close releases 300 of margin and PnL: 1300 at 5x = 6500 of notional.
    both = allocator.allocate([flip, close], _perp_account("1000", {"BTC/USDT": Decimal(300)}), ())
    assert [d.directive_id for d in both.accepted] == ["c", "s"]
