from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradekernel.domain.stage_inputs import UniverseCandidate
from tradekernel.features.universe.catalog import SPECS
from tradekernel.features.universe.ranked import RankBy, RankedParams, RankedSelector
from tradekernel.features.universe.static import StaticParams, StaticSelector


def candidate(symbol: str, volume: str = "0", liquidity: str = "0") -> UniverseCandidate:
    return UniverseCandidate(
        symbol=symbol, quote_volume=Decimal(volume), liquidity=Decimal(liquidity)
    )


def test_static_selects_the_listed_symbols_that_have_data() -> None:
    selector = StaticSelector(StaticParams(symbols=("eth-usdt", "BTC/USDT", "XRP/USDT")))
    chosen = selector.select([candidate("BTC/USDT"), candidate("ETH/USDT"), candidate("SOL/USDT")])
    assert chosen == ("BTC/USDT", "ETH/USDT")


@pytest.mark.parametrize(
    ("symbols", "message"),
    [
        ((), "StaticParams.symbols: expected at least one symbol"),
        (("BTC/USDT", "bad"), "StaticParams.symbols[1]: invalid symbol 'bad'"),
        ("BTC/USDT", "StaticParams.symbols: expected a list of symbols"),
    ],
)
def test_static_params_errors_name_the_entry(symbols: object, message: str) -> None:
    with pytest.raises(ValueError) as info:
        StaticParams(symbols=symbols)
    assert message in str(info.value)


def test_ranked_takes_top_n_by_quote_volume_ties_by_symbol() -> None:
    selector = RankedSelector(RankedParams(top_n=3))
    chosen = selector.select(
        [
            candidate("D/USDT", "50"),
            candidate("C/USDT", "100"),
            candidate("A/USDT", "100"),
            candidate("B/USDT", "70"),
            candidate("E/USDT", "10"),
        ]
    )
    assert chosen == ("A/USDT", "C/USDT", "B/USDT")


def test_ranked_by_liquidity_with_a_minimum() -> None:
    selector = RankedSelector(RankedParams(top_n=5, by=RankBy.LIQUIDITY, min_value=Decimal(20)))
    chosen = selector.select([candidate("A/USDT", "999", "10"), candidate("B/USDT", "1", "30")])
    assert chosen == ("B/USDT",)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"top_n": 0}, "RankedParams.top_n: expected an integer >= 1, got 0"),
        ({"top_n": True}, "RankedParams.top_n"),
        ({"top_n": 1, "by": "volume"}, "RankedParams.by: expected 'quote_volume' or 'liquidity'"),
        ({"top_n": 1, "min_value": Decimal(-1)}, "RankedParams.min_value"),
    ],
)
def test_ranked_params_errors_name_the_field(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError) as info:
        RankedParams(**kwargs)  # type: ignore[arg-type]
    assert message in str(info.value)


@given(
    volumes=st.lists(
        st.tuples(st.sampled_from("ABCDEFG"), st.integers(min_value=0, max_value=5)), max_size=12
    ),
    top_n=st.integers(min_value=1, max_value=8),
    seed=st.randoms(use_true_random=False),
)
def test_ranked_is_independent_of_input_order_and_matches_a_naive_sort(
    volumes: list[tuple[str, int]], top_n: int, seed: object
) -> None:
    cands = [candidate(f"{s}/USDT", str(v)) for s, v in volumes]
    selector = RankedSelector(RankedParams(top_n=top_n))
    chosen = selector.select(cands)
    shuffled = list(cands)
    seed.shuffle(shuffled)  # type: ignore[attr-defined]
    assert selector.select(shuffled) == chosen
    best: dict[str, int] = {}
    for s, v in volumes:
        best[f"{s}/USDT"] = max(v, best.get(f"{s}/USDT", v))
    naive = sorted(best, key=lambda sym: (-best[sym], sym))[:top_n]
    assert list(chosen) == naive


def test_catalog_declares_both_selectors() -> None:
    assert [(spec.kind.value, spec.name) for spec in SPECS] == [
        ("universe", "static"),
        ("universe", "ranked"),
    ]
    static = SPECS[0].factory(StaticParams(symbols=("BTC/USDT",)))
    assert static.select([candidate("BTC/USDT")]) == ("BTC/USDT",)  # type: ignore[attr-defined]
