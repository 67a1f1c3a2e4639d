"""Which token allows what: the control token everything, the read token reading only."""

from hypothesis import given
from hypothesis import strategies as st

from tradekernel.adapters.api.auth import Access, ApiTokens

TOKENS = ApiTokens(control="c0ntrol", read="read-only")


def test_the_control_token_allows_control_and_the_read_token_reading() -> None:
    assert TOKENS.access("c0ntrol") is Access.CONTROL
    assert TOKENS.access("read-only") is Access.READ


@given(st.text())
def test_any_other_token_or_none_allows_nothing(presented: str) -> None:
    if presented not in {"c0ntrol", "read-only"}:
        assert TOKENS.access(presented) is None
    assert TOKENS.access(None) is None


def test_without_a_control_token_authentication_is_off() -> None:
    assert not ApiTokens().enabled
    assert ApiTokens().access(None) is Access.CONTROL


def test_the_tokens_never_show_in_a_repr() -> None:
    assert "c0ntrol" not in repr(TOKENS) and "read-only" not in repr(TOKENS)
