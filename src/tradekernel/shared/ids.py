"""Deterministic ids derived from content: the same inputs always give the same id."""

import hashlib

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
CLIENT_ID_PREFIX = "tk"
CLIENT_ID_LENGTH = 32


def _digest(parts: tuple[object, ...]) -> bytes:
    # The unit separator keeps ("ab", "c") and ("a", "bc") apart.
    text = "\x1f".join(str(part) for part in parts)
    return hashlib.sha256(text.encode("utf-8")).digest()


def _base62(data: bytes, length: int) -> str:
    number = int.from_bytes(data, "big")
    chars = []
    for _ in range(length):
        number, remainder = divmod(number, 62)
        chars.append(_ALPHABET[remainder])
    return "".join(chars)


def derive_id(kind: str, *parts: object, length: int = 16) -> str:
    """Return a short id for `kind` derived from `parts`, e.g. `sig-3fA9...`."""
    return f"{kind}-{_base62(_digest((kind, *parts)), length)}"


def client_order_id(
    run_id: str, cycle_ts_ms: int, symbol: str, side: str, directive_id: str, slice_index: int = 0
) -> str:
    """Return a venue-safe client order id: 32 characters of [A-Za-z0-9], prefixed `tk`.

    The prefix lets reconciliation recognise our orders on the venue.
    """
    body = _base62(
        _digest((run_id, cycle_ts_ms, symbol, side, directive_id, slice_index)),
        CLIENT_ID_LENGTH - len(CLIENT_ID_PREFIX),
    )
    return CLIENT_ID_PREFIX + body
