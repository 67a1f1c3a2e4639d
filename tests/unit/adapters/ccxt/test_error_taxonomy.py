"""Every ccxt exception class lands on the documented domain error."""

import ccxt
import pytest

from tradekernel.adapters.ccxt.errors import FaultKind, classify, retry_after_s, translate
from tradekernel.domain.errors import (
    Banned,
    Fatal,
    InsufficientFunds,
    OrderNotFound,
    Rejected,
    Transient,
    VenueError,
)

CASES: list[tuple[Exception, type[VenueError], FaultKind]] = [
    (ccxt.InsufficientFunds("binance no money"), InsufficientFunds, FaultKind.INSUFFICIENT_FUNDS),
    (ccxt.InvalidOrder("binance LOT_SIZE"), Rejected, FaultKind.REJECTED),
    (ccxt.OrderNotFound("binance -2013"), OrderNotFound, FaultKind.NOT_FOUND),
    (ccxt.BadRequest("binance -1102"), Rejected, FaultKind.REJECTED),
    (ccxt.OperationRejected("binance -2011"), Rejected, FaultKind.REJECTED),
    (ccxt.ExchangeError("binance ?"), Rejected, FaultKind.REJECTED),
    (ccxt.RateLimitExceeded("binance 429 Too Many Requests"), Transient, FaultKind.RATE_LIMIT),
    (ccxt.DDoSProtection("binance 429 Too Many Requests {}"), Transient, FaultKind.RATE_LIMIT),
    (ccxt.DDoSProtection("binance 418 I'm a teapot {}"), Banned, FaultKind.BAN),
    (ccxt.DDoSProtection("binance -1003 IP banned until 1700"), Banned, FaultKind.BAN),
    (ccxt.RequestTimeout("binance POST url"), Transient, FaultKind.UNREACHABLE),
    (ccxt.ExchangeNotAvailable("binance 503"), Transient, FaultKind.UNREACHABLE),
    (ccxt.NetworkError("binance reset"), Transient, FaultKind.UNREACHABLE),
    (ccxt.AuthenticationError("binance -1022"), Fatal, FaultKind.AUTH),
    (ccxt.PermissionDenied("binance -2015"), Fatal, FaultKind.AUTH),
    (ccxt.AccountSuspended("binance suspended"), Fatal, FaultKind.AUTH),
    (ccxt.InvalidNonce("binance -1021"), Transient, FaultKind.NONCE),
]


@pytest.mark.parametrize(("error", "domain", "kind"), CASES, ids=lambda v: type(v).__name__)
def test_ccxt_exception_maps_to_its_domain_error(
    error: Exception, domain: type[VenueError], kind: FaultKind
) -> None:
    translated = translate(error, operation="submit", client_order_id="tkX")

    assert type(translated) is domain
    assert classify(error) is kind
    assert translated.client_order_id == "tkX"
    assert str(translated).startswith("submit: ") or "submit: " in str(translated)
    assert type(error).__name__ in str(translated)


def test_rate_limit_waits_the_hint_but_never_under_two_seconds() -> None:
    error = ccxt.RateLimitExceeded("binance 429")

    hinted = translate(error, operation="read", headers={"Retry-After": "9"})
    small = translate(error, operation="read", headers={"retry-after": "1"})
    none = translate(error, operation="read")

    assert isinstance(hinted, Transient) and hinted.retry_after_s == 9.0
    assert isinstance(small, Transient) and small.retry_after_s == 2.0
    assert isinstance(none, Transient) and none.retry_after_s == 2.0


def test_unreadable_retry_after_is_ignored() -> None:
    assert retry_after_s({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}) is None
    assert retry_after_s(None) is None


def test_a_418_inside_a_signature_is_not_a_ban() -> None:
    error = ccxt.DDoSProtection("binance 429 Too Many GET /order?signature=ab418cd")

    assert classify(error) is FaultKind.RATE_LIMIT


def test_translate_redacts_the_message() -> None:
    error = ccxt.AuthenticationError("binance key SECRETVALUE refused")

    translated = translate(
        error, operation="balances", redact=lambda t: t.replace("SECRETVALUE", "***")
    )

    assert "SECRETVALUE" not in str(translated) and "***" in str(translated)


def test_a_ban_ends_when_the_message_says_else_after_the_retry_after() -> None:
    said = ccxt.DDoSProtection('binance 418 {"msg": "IP banned until 1796667313930."}')
    hinted = ccxt.DDoSProtection("binance 418 I'm a teapot {}")

    until = translate(said, operation="read", headers={"Retry-After": "5"}, now_ms=1_000)
    after = translate(hinted, operation="read", headers={"Retry-After": "5"}, now_ms=1_000)
    unknown = translate(hinted, operation="read", now_ms=1_000)

    assert isinstance(until, Banned) and until.until_ms == 1_796_667_313_930
    assert isinstance(after, Banned) and after.until_ms == 6_000
    assert isinstance(unknown, Banned) and unknown.until_ms is None
