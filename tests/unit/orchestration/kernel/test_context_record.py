"""A recorded context rebuilds the same context: the kernel plans the same on it."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kernel_fixtures import context_at, real_series, rich_kernel

from tradekernel.domain.errors import DataError
from tradekernel.orchestration.cycle.context_record import context_from_json, context_json
from tradekernel.orchestration.records.canonical import plan_hash

KERNEL = rich_kernel()
SERIES = real_series(KERNEL)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    index=st.integers(min_value=0, max_value=2999),
    held=st.sampled_from([Decimal(0), Decimal("0.5")]),
    with_order=st.booleans(),
)
def test_a_context_survives_its_record(index: int, held: Decimal, with_order: bool) -> None:
    context = context_at(
        KERNEL, SERIES, index, cash=Decimal("20000"), held=held, with_order=with_order
    )
    rebuilt = context_from_json(context_json(context), SERIES)
    assert context_json(rebuilt) == context_json(context)
    assert plan_hash(KERNEL.plan(rebuilt)) == plan_hash(KERNEL.plan(context))


def test_a_record_refuses_other_data() -> None:
    context = context_at(
        KERNEL, SERIES, 500, cash=Decimal("1000"), held=Decimal(0), with_order=False
    )
    shifted = {symbol: series.head(len(series)) for symbol, series in SERIES.items()}
    shifted["BTC/USD"] = SERIES["BTC/USD"].head(400)
    with pytest.raises(DataError, match="needs 501 bars of BTC/USD"):
        context_from_json(context_json(context), shifted)


def test_a_bots_client_id_prefix_names_its_orders_and_survives_the_record() -> None:
    import attrs

    index = next(
        i
        for i in range(3000)
        if KERNEL.plan(
            context_at(KERNEL, SERIES, i, cash=Decimal("20000"), held=Decimal(0), with_order=False)
        ).intents
    )
    context = context_at(
        KERNEL, SERIES, index, cash=Decimal("20000"), held=Decimal(0), with_order=False
    )
    default_record = context_json(context)
    assert "client_id_prefix" not in default_record  # records of the default stay as they were
    own = attrs.evolve(context, client_id_prefix="a1")
    plan = KERNEL.plan(own)
    assert plan.intents and all(i.client_order_id.startswith("a1") for i in plan.intents)
    assert all(i.client_order_id.startswith("tk") for i in KERNEL.plan(context).intents)
    rebuilt = context_from_json(context_json(own), SERIES)
    assert rebuilt.client_id_prefix == "a1"
    assert plan_hash(KERNEL.plan(rebuilt)) == plan_hash(plan)
