"""ccxt exceptions to the domain error taxonomy (see docs/live-safety.md, "Error taxonomy").

| ccxt exception                                   | domain error      | what the adapter does  |
|--------------------------------------------------|-------------------|------------------------|
| InsufficientFunds                                | InsufficientFunds | raise                  |
| OrderNotFound                                    | OrderNotFound     | raise                  |
| InvalidOrder, BadRequest, OperationRejected, ... | Rejected          | raise                  |
| RateLimitExceeded, DDoSProtection (429)          | Transient         | wait >= 2 s, retry     |
| DDoSProtection (HTTP 418, "IP banned")           | Banned (Fatal)    | no traffic until its end |
| RequestTimeout, ExchangeNotAvailable, NetworkError| Transient        | backoff, retry reads   |
| AuthenticationError, PermissionDenied, Suspended | Fatal             | halt all traffic       |
| InvalidNonce                                     | Transient         | resync clock, retry    |
"""

import re
from collections.abc import Callable, Mapping
from enum import StrEnum

import ccxt

from tradekernel.domain.errors import (
    Banned,
    Fatal,
    InsufficientFunds,
    OrderNotFound,
    Rejected,
    Transient,
    VenueError,
)

_BAN_STATUS = re.compile(r"(?:^|\s)418(?:\s|$)")
# Binance: "Way too many requests; IP(...) banned until 1659146800000." (epoch ms).
_BAN_END = re.compile(r"banned until (\d{12,14})", re.IGNORECASE)


class FaultKind(StrEnum):
    """What a ccxt exception means for the caller's next step."""

    NONCE = "nonce"
    RATE_LIMIT = "rate_limit"
    BAN = "ban"
    UNREACHABLE = "unreachable"
    AUTH = "auth"
    INSUFFICIENT_FUNDS = "insufficient_funds"
    NOT_FOUND = "not_found"
    REJECTED = "rejected"


def classify(error: Exception) -> FaultKind:
    """Return the kind of fault a ccxt exception reports (an unknown exception is REJECTED)."""
    if isinstance(error, ccxt.InvalidNonce):
        return FaultKind.NONCE
    if isinstance(error, ccxt.DDoSProtection | ccxt.RateLimitExceeded):
        text = str(error)
        if _BAN_STATUS.search(text) or "banned" in text.lower():
            return FaultKind.BAN
        return FaultKind.RATE_LIMIT
    if isinstance(error, ccxt.NetworkError | ccxt.OperationFailed):
        return FaultKind.UNREACHABLE
    if isinstance(error, ccxt.AuthenticationError):
        return FaultKind.AUTH
    if isinstance(error, ccxt.InsufficientFunds):
        return FaultKind.INSUFFICIENT_FUNDS
    if isinstance(error, ccxt.OrderNotFound):
        return FaultKind.NOT_FOUND
    return FaultKind.REJECTED


def retry_after_s(headers: Mapping[str, str] | None) -> float | None:
    """Return the venue's `Retry-After` hint in seconds, if it sent a readable one."""
    if not headers:
        return None
    for name, value in headers.items():
        if name.lower() == "retry-after":
            try:
                return max(0.0, float(value))
            except ValueError:
                return None
    return None


def ban_end_ms(text: str, headers: Mapping[str, str] | None, now_ms: int | None) -> int | None:
    """Return when a ban ends (epoch ms): the message's "banned until", else `now_ms` plus
    the venue's Retry-After; None when the venue said neither."""
    found = _BAN_END.search(text)
    if found:
        return int(found.group(1))
    hint = retry_after_s(headers)
    if hint is None or now_ms is None:
        return None
    return now_ms + round(hint * 1000)


def translate(
    error: Exception,
    *,
    operation: str,
    client_order_id: str | None = None,
    headers: Mapping[str, str] | None = None,
    rate_limit_min_s: float = 2.0,
    redact: Callable[[str], str] = str,
    now_ms: int | None = None,
) -> VenueError:
    """Return the domain error for a ccxt exception raised by `operation`.

    The message names the operation and the ccxt class, and passes through `redact` so no
    credential can leak into logs or records. `now_ms` dates a ban's Retry-After.
    """
    kind = classify(error)
    message = redact(f"{operation}: {type(error).__name__}: {error}")
    coid = client_order_id
    if kind is FaultKind.BAN:
        return Banned(
            f"banned by the venue, all traffic halted ({message})",
            client_order_id=coid,
            until_ms=ban_end_ms(str(error), headers, now_ms),
        )
    if kind is FaultKind.AUTH:
        return Fatal(f"credentials refused, all traffic halted ({message})", client_order_id=coid)
    if kind is FaultKind.RATE_LIMIT:
        hint = retry_after_s(headers)
        wait = max(rate_limit_min_s, hint if hint is not None else 0.0)
        return Transient(f"rate limited ({message})", client_order_id=coid, retry_after_s=wait)
    if kind in (FaultKind.UNREACHABLE, FaultKind.NONCE):
        return Transient(message, client_order_id=coid)
    if kind is FaultKind.INSUFFICIENT_FUNDS:
        return InsufficientFunds(message, client_order_id=coid)
    if kind is FaultKind.NOT_FOUND:
        return OrderNotFound(message, client_order_id=coid)
    return Rejected(message, client_order_id=coid)
