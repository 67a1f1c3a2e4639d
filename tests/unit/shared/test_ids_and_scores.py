"""Ids derived from content and quantised scores: the fast paths equal the plain rules."""

import hashlib
import math
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from tradekernel.domain.enums import DirectiveScope, Side
from tradekernel.shared.ids import (
    client_id_prefix_problem,
    client_order_id,
    derive_id,
    id_family,
    is_client_order_id,
)
from tradekernel.shared.quantize import to_score

texts = st.text(min_size=0, max_size=20)
parts = st.one_of(texts, st.integers(min_value=-(10**15), max_value=10**15))


def _reference_id(kind: str, *values: object, length: int = 16) -> str:
    text = "\x1f".join(str(value) for value in (kind, *values))
    return f"{kind}-{hashlib.sha256(text.encode('utf-8')).hexdigest()[:length]}"


@given(
    kind=st.sampled_from(["ctx", "opp", "thr", "dir"]),
    prefix=st.lists(parts, max_size=4),
    last=parts,
)
def test_id_family_gives_the_id_derive_id_gives(
    kind: str, prefix: list[object], last: object
) -> None:
    assert id_family(kind, *prefix)(last) == derive_id(kind, *prefix, last)
    assert derive_id(kind, *prefix, last) == _reference_id(kind, *prefix, last)


any_part = st.one_of(
    parts,
    st.sampled_from([*Side, *DirectiveScope]),
    st.decimals(allow_nan=False, allow_infinity=False),
    st.tuples(texts, st.integers()),
)


@given(kind=st.sampled_from(["ctx", "dir"]), values=st.lists(any_part, max_size=24))
def test_ids_of_any_part_count_and_type_follow_the_plain_rule(
    kind: str, values: list[object]
) -> None:
    # Beyond the cached templates the ids fall back to the plain join: both must agree.
    assert derive_id(kind, *values) == _reference_id(kind, *values)
    if values:
        assert id_family(kind, *values[:-1])(values[-1]) == _reference_id(kind, *values)


def test_client_order_ids_keep_their_documented_form() -> None:
    text = "\x1f".join(["run", "1700000000000", "BTC/USDT", "buy", "dir-0123", "2"])
    body = hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert client_order_id("run", 1_700_000_000_000, "BTC/USDT", "buy", "dir-0123", 2) == (
        "tk" + body[:30]
    )


def test_id_family_members_differ_by_their_last_part() -> None:
    derive = id_family("ctx", "run", 1_700_000_000_000)
    assert derive("BTC/USDT") != derive("ETH/USDT")
    assert derive("BTC/USDT") == derive("BTC/USDT")
    assert derive("BTC/USDT").startswith("ctx-") and len(derive("BTC/USDT")) == 20


def _reference_score(value: float) -> Decimal:
    if math.isnan(value):
        return Decimal(0)
    clamped = min(1.0, max(0.0, value))
    return Decimal(round(clamped * 1_000_000)).scaleb(-6)


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_to_score_equals_the_plain_rule_in_value_and_text(value: float) -> None:
    expected = _reference_score(value)
    assert str(to_score(value)) == str(expected)


def test_clamped_scores_keep_six_places() -> None:
    assert str(to_score(-2.0)) == "0.000000"
    assert str(to_score(0.0)) == "0.000000"
    assert str(to_score(1.0)) == "1.000000"
    assert str(to_score(7.5)) == "1.000000"
    assert str(to_score(0.25)) == "0.250000"
    assert str(to_score(float("nan"))) == "0"


def test_a_prefix_starts_the_id_and_the_id_keeps_its_length() -> None:
    default = client_order_id("run", 1, "BTC/USDT", "buy", "dir-1")
    own = client_order_id("run", 1, "BTC/USDT", "buy", "dir-1", prefix="bot7")
    assert own.startswith("bot7") and len(own) == len(default) == 32
    assert is_client_order_id(own) and is_client_order_id(default)
    assert not is_client_order_id("web_8f2a1c") and not is_client_order_id("x-" + "a" * 30)


def test_a_prefix_is_checked_for_its_letters_length_and_the_venues_limit() -> None:
    assert client_id_prefix_problem("tk") is None
    assert client_id_prefix_problem("b1", venue_limit=36) is None
    assert "lowercase" in (client_id_prefix_problem("TK") or "")
    assert "lowercase" in (client_id_prefix_problem("") or "")
    assert "at most 12" in (client_id_prefix_problem("a" * 13) or "")
    assert "28 characters" in (client_id_prefix_problem("tk", venue_limit=28) or "")
