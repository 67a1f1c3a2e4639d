from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from tradekernel.domain.enums import Side
from tradekernel.features.strategy.hints import HintParams, exit_directive, price_free_exit

PCTS = st.none() | st.decimals(min_value=Decimal("0.001"), max_value=Decimal("0.5"), places=3)
PRICES = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(10**6), places=2)


@given(
    stop=PCTS,
    take=PCTS,
    risk_reward=st.none() | st.decimals(min_value=Decimal("0.5"), max_value=Decimal(5), places=1),
    trailing=PCTS,
    side=st.sampled_from(Side),
    price=PRICES,
)
def test_price_free_exit_is_the_exit_directive_of_any_price_or_none_when_levels_are_placed(
    stop: Decimal | None,
    take: Decimal | None,
    risk_reward: Decimal | None,
    trailing: Decimal | None,
    side: Side,
    price: Decimal,
) -> None:
    params = HintParams(
        stop_loss_pct=stop,
        take_profit_pct=take,
        risk_reward=risk_reward,
        trailing_stop_pct=trailing,
    )
    fixed = price_free_exit(params)
    if stop is None and take is None:
        assert fixed == exit_directive(params, side, price)
    else:
        assert fixed is None
