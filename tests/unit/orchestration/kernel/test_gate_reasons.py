"""Every gate reason code, triggered by an intent the kernel itself builds.

A scripted strategy plugin directs one order per cycle with the side, scope, quantity and
symbol a hypothesis example chooses; the context (marks, balances, positions, working
orders) is varied so that exactly one gate must refuse the intent, with its reason code.
"""

import tomllib
from collections.abc import Sequence
from decimal import Decimal

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tradekernel.adapters.config.blueprint_loader import parse_blueprint
from tradekernel.adapters.data.bundled import bundled_path
from tradekernel.adapters.data.loader import load_bars
from tradekernel.domain.account import Balance, Position
from tradekernel.domain.context import PlanningContext
from tradekernel.domain.directives import (
    EntryDirective,
    RoutingDirective,
    SizeDirective,
    StrategyDirective,
)
from tradekernel.domain.enums import (
    DirectiveScope,
    OrderType,
    PluginKind,
    Side,
    SizingPolicy,
    SkipReason,
)
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.market import MarkPrice, SymbolRules
from tradekernel.domain.orders import OpenOrderView
from tradekernel.domain.plugin_spec import PluginSpec
from tradekernel.domain.ports.plugins import PlannerActivity
from tradekernel.domain.signals import FeatureSnapshot
from tradekernel.domain.stage_inputs import StrategyInputs
from tradekernel.domain.trade_plans import EntryLayer, EntryPlan
from tradekernel.orchestration.factory.kernel_factory import build_kernel
from tradekernel.orchestration.kernel.planning_kernel import PlanningKernel
from tradekernel.orchestration.kernel.plugin_catalog import build_catalog, builtin_specs
from tradekernel.shared.bars import BarSeries
from tradekernel.shared.quantize import floor_to_step

SYMBOL = "BTC/USD"
OUTSIDE = "ETH/USD"
STEP = Decimal("0.0001")
TICK = Decimal("0.01")


@attrs.frozen(kw_only=True)
class ScriptParams:
    side: Side
    scope: DirectiveScope
    quantity: Decimal
    target: str = ""
    max_slippage_bps: Decimal | None = None


class Scripted:
    """Direct one order per cycle, as the params say (for `target`, if set)."""

    name = "scripted"
    activity = PlannerActivity.ALWAYS

    def __init__(self, params: ScriptParams) -> None:
        self._params = params

    def plan(self, inputs: StrategyInputs) -> Sequence[StrategyDirective]:
        params = self._params
        return (
            StrategyDirective(
                directive_id=f"dir-{inputs.ts_ms}",
                source=self.name,
                symbol=params.target or inputs.symbol,
                ts_ms=inputs.ts_ms,
                side=params.side,
                scope=params.scope,
                confidence=Decimal(1),
                entry=EntryDirective(max_slippage_bps=params.max_slippage_bps),
                size=SizeDirective(policy=SizingPolicy.EXPLICIT, quantity=params.quantity),
                routing=RoutingDirective(),
            ),
        )


@attrs.frozen(kw_only=True)
class NoParams:
    pass


class PricelessLimit:
    """A faulty user entry planner: a limit order without a price."""

    name = "priceless_limit"

    def plan(self, directive: StrategyDirective, snapshot: FeatureSnapshot) -> EntryPlan:
        return EntryPlan(
            directive_id=directive.directive_id,
            planner=self.name,
            layers=(EntryLayer(fraction=Decimal(1), order_type=OrderType.LIMIT),),
            reference_price=Decimal(str(snapshot.close)),
        )


CATALOG = build_catalog(
    builtin_specs(),
    (
        PluginSpec(
            kind=PluginKind.STRATEGY, name="scripted", params=ScriptParams, factory=Scripted
        ),
        PluginSpec(
            kind=PluginKind.ENTRY,
            name="priceless_limit",
            params=NoParams,
            factory=lambda _params: PricelessLimit(),
        ),
    ),
)

BLUEPRINT = f"""
[blueprint]
name = "gates"

[universe]
symbols = ["{SYMBOL}", "{OUTSIDE}"]
deny = ["{OUTSIDE}"]

[account]
quote_asset = "USD"
starting_cash = "1000000"

[[symbols]]
symbol = "{SYMBOL}"
tick_size = "{TICK}"
step_size = "{STEP}"
min_notional = "0"

[[symbols]]
symbol = "{OUTSIDE}"
tick_size = "{TICK}"
step_size = "{STEP}"
min_notional = "0"

[[strategy.planners]]
type = "scripted"
"""

SERIES = {
    symbol: load_bars(bundled_path("coinbase_BTC-USD_1h.csv"), symbol).series.head(40)
    for symbol in (SYMBOL, OUTSIDE)
}
# The blueprint's rules, as every mode's context assembler sets them.
RULES = {
    symbol: SymbolRules(
        symbol=symbol,
        base=symbol.partition("/")[0],
        quote="USD",
        tick_size=TICK,
        step_size=STEP,
        min_notional=Decimal(0),
    )
    for symbol in sorted(SERIES)
}
CLOSE = Decimal(repr(float(SERIES[SYMBOL].close[-1])))


def _kernel(script: str, entry: str = "") -> PlanningKernel:
    text = BLUEPRINT.replace('type = "scripted"', f'type = "scripted"\n{script}')
    if entry:
        text += f'\n[[planners.entry]]\ntype = "{entry}"\n'
    settings = parse_blueprint(tomllib.loads(text), CATALOG, file="gates.toml")
    return build_kernel(settings, CATALOG)


def _script(side: Side, scope: DirectiveScope, quantity: Decimal, target: str = "") -> str:
    lines = [f'side = "{side.value}"', f'scope = "{scope.value}"', f'quantity = "{quantity}"']
    if target:
        lines.append(f'target = "{target}"')
    return "\n".join(lines)


def _context(
    *,
    cash: Decimal = Decimal("1000000"),
    held: Decimal = Decimal(0),
    free_base: Decimal | None = None,
    marked: bool = True,
    orders: tuple[OpenOrderView, ...] = (),
) -> PlanningContext[BarSeries]:
    now = int(SERIES[SYMBOL].ts_ms[-1])
    marks = (
        {s: MarkPrice(symbol=s, price=CLOSE, ts_ms=now) for s in sorted(SERIES)} if marked else {}
    )
    balances = {"USD": Balance(asset="USD", free=cash)}
    positions = {}
    if held > 0:
        positions[SYMBOL] = Position(symbol=SYMBOL, quantity=held, avg_entry_price=CLOSE)
        balances["BTC"] = Balance(asset="BTC", free=held if free_base is None else free_base)
    return PlanningContext(
        run_id="gates",
        now_ms=now,
        symbols=tuple(sorted(SERIES)),
        history=dict(SERIES),
        rules=RULES,
        marks=marks,
        balances=balances,
        positions=positions,
        open_orders=orders,
        peak_equity=cash,
    )


def _only_intent(kernel: PlanningKernel, context: PlanningContext[BarSeries]) -> ExecutionIntent:
    plan = kernel.plan(context)
    assert len(plan.intents) == 1, plan.diagnostics
    return plan.intents[0]


PROPERTY = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
quantities = st.decimals(min_value=Decimal("0.001"), max_value=Decimal("5"), places=8)


def _assert_skipped(intent: ExecutionIntent, reason: SkipReason) -> None:
    assert intent.skipped, intent
    assert intent.skip_reason is reason, (intent.skip_reason, intent.skip_detail)
    assert intent.skip_detail


@PROPERTY
@given(quantity=st.decimals(min_value=Decimal("1e-8"), max_value=STEP, places=8))
def test_a_quantity_below_one_step_is_skipped_qty_rounds_to_zero(quantity: Decimal) -> None:
    if quantity == STEP:
        quantity -= Decimal("1e-8")
    kernel = _kernel(_script(Side.BUY, DirectiveScope.NEW_TRADE, quantity))
    _assert_skipped(_only_intent(kernel, _context()), SkipReason.QTY_ROUNDS_TO_ZERO)


@PROPERTY
@given(quantity=quantities)
def test_an_order_for_a_symbol_outside_the_universe_is_skipped_not_in_universe(
    quantity: Decimal,
) -> None:
    kernel = _kernel(_script(Side.BUY, DirectiveScope.NEW_TRADE, quantity, target=OUTSIDE))
    intent = _only_intent(kernel, _context())
    assert intent.symbol == OUTSIDE
    _assert_skipped(intent, SkipReason.NOT_IN_UNIVERSE)


@PROPERTY
@given(quantity=quantities)
def test_an_order_equal_to_a_working_one_is_skipped_duplicate_open_order(
    quantity: Decimal,
) -> None:
    working = OpenOrderView(
        symbol=SYMBOL,
        side=Side.BUY,
        order_type=OrderType.MARKET,
        price=None,
        quantity=Decimal("0.5"),
        client_order_id="tkWORKING000000000000000000000001",
    )
    kernel = _kernel(_script(Side.BUY, DirectiveScope.NEW_TRADE, quantity))
    intent = _only_intent(kernel, _context(orders=(working,)))
    _assert_skipped(intent, SkipReason.DUPLICATE_OPEN_ORDER)
    assert working.client_order_id in intent.skip_detail


@PROPERTY
@given(quantity=quantities, side=st.sampled_from(Side))
def test_a_limit_without_a_price_is_skipped_invalid_normalized_fields(
    quantity: Decimal, side: Side
) -> None:
    kernel = _kernel(_script(side, DirectiveScope.NEW_TRADE, quantity), entry="priceless_limit")
    intent = _only_intent(kernel, _context(held=Decimal("10")))
    _assert_skipped(intent, SkipReason.INVALID_NORMALIZED_FIELDS)
    assert intent.price is None and intent.order_type is OrderType.LIMIT


@PROPERTY
@given(quantity=quantities, side=st.sampled_from(Side))
def test_an_order_without_a_mark_is_skipped_missing_mark_price(
    quantity: Decimal, side: Side
) -> None:
    kernel = _kernel(_script(side, DirectiveScope.NEW_TRADE, quantity))
    intent = _only_intent(kernel, _context(marked=False, held=Decimal("10")))
    _assert_skipped(intent, SkipReason.MISSING_MARK_PRICE)


@PROPERTY
@given(quantity=quantities)
def test_a_close_without_a_position_is_skipped_nothing_to_close(quantity: Decimal) -> None:
    kernel = _kernel(_script(Side.SELL, DirectiveScope.CLOSE_EXISTING, quantity))
    _assert_skipped(_only_intent(kernel, _context()), SkipReason.NOTHING_TO_CLOSE)


@PROPERTY
@given(
    held=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("5"), places=4),
    locked=st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("1"), places=4),
)
def test_a_sell_beyond_the_free_holding_is_skipped_insufficient_balance(
    held: Decimal, locked: Decimal
) -> None:
    # Part of the holding is locked (in a working order of another shape): free < held.
    free = max(held - locked, Decimal(0))
    kernel = _kernel(_script(Side.SELL, DirectiveScope.CLOSE_EXISTING, held))
    intent = _only_intent(kernel, _context(held=held, free_base=free))
    _assert_skipped(intent, SkipReason.INSUFFICIENT_BALANCE)


@PROPERTY
@given(quantity=quantities)
def test_a_buy_beyond_the_free_cash_is_skipped_insufficient_balance(quantity: Decimal) -> None:
    cash = quantity * CLOSE / 2  # half the cost, fees aside
    kernel = _kernel(_script(Side.BUY, DirectiveScope.NEW_TRADE, quantity))
    intent = _only_intent(kernel, _context(cash=cash))
    assert intent.skipped
    # The default allocator may refuse it first for cash; the gate does when it does not.
    assert intent.skip_reason in {SkipReason.INSUFFICIENT_BALANCE, SkipReason.CASH_BUDGET}


@PROPERTY
@given(quantity=st.decimals(min_value=STEP, max_value=Decimal("5"), places=12))
def test_a_tradable_quantity_is_floored_to_the_step_never_rounded_up(quantity: Decimal) -> None:
    kernel = _kernel(_script(Side.BUY, DirectiveScope.NEW_TRADE, quantity))
    intent = _only_intent(kernel, _context())
    assert not intent.skipped, intent.skip_detail
    assert intent.quantity == floor_to_step(quantity, STEP)
    assert intent.quantity <= quantity
    assert intent.quantity % STEP == 0
    assert intent.quantity.as_tuple().exponent == STEP.as_tuple().exponent
