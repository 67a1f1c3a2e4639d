import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradekernel.features.universe.list_file import SymbolListError, SymbolLists, parse_symbol_list
from tradekernel.features.universe.merge import merge_universe
from tradekernel.features.universe.symbols import InvalidSymbol, normalize_symbol


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("BTC/USDT", "BTC/USDT"),
        (" btc/usdt ", "BTC/USDT"),
        ("eth-usdt", "ETH/USDT"),
        ("BTC/USDT:USDT", "BTC/USDT:USDT"),
        ("1000PEPE/USDT", "1000PEPE/USDT"),
    ],
)
def test_symbols_are_normalised(text: str, expected: str) -> None:
    assert normalize_symbol(text) == expected


@pytest.mark.parametrize(
    "text", ["", "BTC", "BTC/", "BTC-ETH-USDT", "BTC USDT", "BTC/US DT", "B$C/USDT"]
)
def test_non_symbols_are_rejected(text: str) -> None:
    with pytest.raises(InvalidSymbol, match="expected BASE/QUOTE"):
        normalize_symbol(text)


LIST_TEXT = """\
# majors
BTC/USDT
eth-usdt   # normalised
-DOGE/USDT

deny:
shib/usdt
Allow:
SOL/USDT
"""


def test_list_file_reads_allow_deny_sections_and_comments() -> None:
    lists = parse_symbol_list(LIST_TEXT)
    assert lists.allow == ("BTC/USDT", "ETH/USDT", "SOL/USDT")
    assert lists.deny == ("DOGE/USDT", "SHIB/USDT")


def test_empty_list_file_is_empty() -> None:
    assert parse_symbol_list("\n# nothing\n   \n") == SymbolLists()


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("BTC/USDT\n\nnotasymbol\n", 3, "invalid symbol 'notasymbol'"),
        ("# x\nblock:\n", 2, "unknown section 'block:'"),
        ("BTC/USDT ETH/USDT\n", 1, "one symbol per line"),
        ("ok/usdt\n-\n", 2, "invalid symbol ''"),
    ],
)
def test_list_file_errors_carry_the_line_number(text: str, line: int, message: str) -> None:
    with pytest.raises(SymbolListError) as info:
        parse_symbol_list(text)
    assert info.value.line == line
    assert str(info.value).startswith(f"line {line}: ")
    assert message in str(info.value)
    assert isinstance(info.value, ValueError)


def test_config_strings_name_the_bad_entry() -> None:
    with pytest.raises(ValueError, match=r"@ config\.deny\[1\]"):
        SymbolLists.from_strings(deny=("BTC/USDT", "nope"), source="config")


CANDIDATES = ("SOL/USDT", "BTC/USDT", "ETH/USDT", "DOGE/USDT")


def test_merge_deny_wins_over_an_allow_from_any_source() -> None:
    record = merge_universe(
        CANDIDATES,
        config=SymbolLists.from_strings(allow=("BTC/USDT", "ETH/USDT")),
        file=parse_symbol_list("-ETH/USDT\n"),
        cli=SymbolLists.from_strings(allow=("doge-usdt",)),
        method="ranked",
    )
    assert record.selected == ("BTC/USDT", "DOGE/USDT")
    assert record.allow == ("BTC/USDT", "DOGE/USDT", "ETH/USDT")
    assert record.deny == ("ETH/USDT",)
    assert record.candidates == ("BTC/USDT", "DOGE/USDT", "ETH/USDT", "SOL/USDT")
    assert record.method == "ranked"


def test_merge_without_allow_keeps_every_candidate_not_denied() -> None:
    record = merge_universe(CANDIDATES, cli=SymbolLists.from_strings(deny=("SOL/USDT",)))
    assert record.selected == ("BTC/USDT", "DOGE/USDT", "ETH/USDT")


def test_merge_allow_never_adds_a_symbol_that_is_not_a_candidate() -> None:
    record = merge_universe(CANDIDATES, config=SymbolLists.from_strings(allow=("XRP/USDT",)))
    assert record.selected == ()


symbols = st.sampled_from(["A/USDT", "B/USDT", "C/USDT", "D/USDT", "E/USDT"])


@given(
    candidates=st.lists(symbols, max_size=6),
    allows=st.lists(st.lists(symbols, max_size=3), min_size=3, max_size=3),
    denies=st.lists(st.lists(symbols, max_size=3), min_size=3, max_size=3),
)
def test_merge_matches_a_naive_set_rule(
    candidates: list[str], allows: list[list[str]], denies: list[list[str]]
) -> None:
    sources = [
        SymbolLists.from_strings(allow=tuple(a), deny=tuple(d))
        for a, d in zip(allows, denies, strict=True)
    ]
    record = merge_universe(candidates, config=sources[0], file=sources[1], cli=sources[2])
    allow = set(allows[0] + allows[1] + allows[2])
    deny = set(denies[0] + denies[1] + denies[2])
    expected = sorted(c for c in set(candidates) if c not in deny and (not allow or c in allow))
    assert list(record.selected) == expected
    shuffled = merge_universe(
        list(reversed(candidates)), config=sources[2], file=sources[0], cli=sources[1]
    )
    assert shuffled == record
