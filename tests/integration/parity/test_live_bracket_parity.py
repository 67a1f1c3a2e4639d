"""The one-kernel parity test's live leg on a blueprint with brackets
(tests/integration/brackets/sma_brackets.toml: each entry protected by a stop-loss and a
take-profit as one OCO order once it fills): the live runner through ccxt's real Binance
class against the loopback venue whose matching is the backtest's places each bracket as
a Binance order list, plans every cycle with the dense backtest's plan hashes, never holds
two protective orders of the symbol, and a replay of the session re-plans it alike.

The offline legs (dense, sparse, paper, their replays) are `test_bracket_parity.py`.
"""

from collections import Counter
from collections.abc import Iterator

import pytest
from tests.integration.brackets.test_reference_loop import BLUEPRINT, DATA, SYMBOL
from tests.integration.parity.symbol_live_leg import SymbolData, SymbolLeg, run_symbol_live

from tradekernel.domain.enums import OrderStatus
from tradekernel.shared.ids import protected_entry_id

# The live runner starts once SMA(30) has its bars: the backtest's first cross is later.
WARM_UP = 30
LIVE_BARS = 250
PLACE_LIST = ("POST", "/api/v3/orderList/oco")


@pytest.fixture(scope="module")
def leg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SymbolLeg]:
    data = SymbolData(
        blueprint_name=BLUEPRINT.name,
        blueprint_text=BLUEPRINT.read_text(),
        bars=DATA,
        symbol=SYMBOL,
        market=("BTCBUSD", "BTC", "BUSD"),
        bar_ms=60_000,
    )
    directory = tmp_path_factory.mktemp("live-bracket-parity")
    yield from run_symbol_live(directory, data, warm_up=WARM_UP, count=LIVE_BARS)


def test_live_brackets_plan_like_the_backtest(leg: SymbolLeg) -> None:
    assert len(leg.recorded) == LIVE_BARS
    leg.assert_plans_like_the_backtest()


def test_replay_of_the_live_bracket_session_replans_every_cycle_identically(
    leg: SymbolLeg,
) -> None:
    leg.assert_replays_identically()


def test_each_live_entry_gets_one_order_list_and_none_is_stacked(leg: SymbolLeg) -> None:
    placed = [r.params["listClientOrderId"] for r in leg.venue.calls(*PLACE_LIST)]
    # One list per entry, the first revision; filled by a stop or target, or withdrawn.
    assert len(placed) == len(set(placed)) >= 3
    assert all(cid.endswith("-p0") for cid in placed)
    assert len({protected_entry_id(cid) for cid in placed}) == len(placed)
    ends = Counter(leg.venue.venue.fetch_order(SYMBOL, cid).status for cid in placed)
    assert ends[OrderStatus.FILLED] > 0
    assert ends[OrderStatus.CANCELLED] > 0
    # The venue saw a leg execute and its sibling expire, as Binance does.
    legs = Counter((o.type, o.status) for o in leg.venue.orders.values() if o.order_list_id >= 0)
    filled = legs[("STOP_LOSS", "FILLED")] + legs[("LIMIT_MAKER", "FILLED")]
    assert filled == ends[OrderStatus.FILLED]
    assert legs[("STOP_LOSS", "EXPIRED")] + legs[("LIMIT_MAKER", "EXPIRED")] == filled
    assert leg.most_stops == 1  # read after every cycle: never two at once
