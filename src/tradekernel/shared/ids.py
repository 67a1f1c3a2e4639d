"""Deterministic ids derived from content: the same inputs always give the same id."""

import hashlib
import re
from collections.abc import Callable

from tradekernel.domain.context import DEFAULT_CLIENT_ID_PREFIX

CLIENT_ID_PREFIX = DEFAULT_CLIENT_ID_PREFIX
CLIENT_ID_LENGTH = 32
# A prefix leaves at least this many hex digits of hash (80 bits) in a 32-character id.
MIN_CLIENT_ID_HASH = 20
_PREFIX_PATTERN = re.compile(r"[a-z0-9]+")
_HEX = re.compile(r"[0-9a-f]+")


_sha256 = hashlib.sha256

# "%s" formats a value exactly as str() does, and one `%` over a cached template costs
# half of `join(map(str, parts))`: ids are made for every signal, directive and order.
_TEMPLATES = ["\x1f".join(["%s"] * count) for count in range(16)]


def _joined(parts: tuple[object, ...]) -> str:
    # The unit separator keeps ("ab", "c") and ("a", "bc") apart.
    count = len(parts)
    if count < len(_TEMPLATES):
        return _TEMPLATES[count] % parts
    return "\x1f".join(map(str, parts))


def _digest(parts: tuple[object, ...]) -> str:
    return _sha256(_joined(parts).encode()).hexdigest()


def derive_id(kind: str, *parts: object, length: int = 16) -> str:
    """Return a short id for `kind` derived from `parts`, e.g. `sig-3fa9c0...`.

    `length` hex digits of sha256 (64 bits by default): ids only need to be unique within
    one plan, and hex is as cheap to make as an id can be.
    """
    return kind + "-" + _digest((kind, *parts))[:length]


def id_family(kind: str, *parts: object, length: int = 16) -> Callable[[object], str]:
    """Return `derive(last)`, equal to `derive_id(kind, *parts, last, length=length)`.

    sha256 is a stream, so the shared prefix is hashed once: the kernel names one
    assessment per symbol per cycle, all with the same run and cycle time.
    """
    base = _sha256((_joined((kind, *parts)) + "\x1f").encode())
    prefix = kind + "-"

    def derive(last: object) -> str:
        digest = base.copy()
        digest.update(str(last).encode())
        return prefix + digest.hexdigest()[:length]

    return derive


def client_order_id(
    run_id: str,
    cycle_ts_ms: int,
    symbol: str,
    side: str,
    directive_id: str,
    slice_index: int = 0,
    *,
    prefix: str = CLIENT_ID_PREFIX,
) -> str:
    """Return a venue-safe client order id: 32 characters of [a-z0-9], starting `prefix`.

    120 bits of sha256 (with the default `tk`) keep ids of different orders apart across
    runs; the prefix lets reconciliation recognise the bot's orders on the venue.
    """
    body = _digest((run_id, cycle_ts_ms, symbol, side, directive_id, slice_index))
    return prefix + body[: CLIENT_ID_LENGTH - len(prefix)]


def is_client_order_id(text: str) -> bool:
    """Return True if `text` has the shape of a tradekernel client order id (any prefix)."""
    return (
        len(text) == CLIENT_ID_LENGTH
        and _PREFIX_PATTERN.fullmatch(text) is not None
        and _HEX.fullmatch(text[-MIN_CLIENT_ID_HASH:]) is not None
    )


def client_id_prefix_problem(prefix: str, venue_limit: int | None = None) -> str | None:
    """Return why `prefix` cannot start the bot's client order ids, or None if it can.

    The ids are `CLIENT_ID_LENGTH` characters of [a-z0-9]: the prefix must be made of
    those, leave `MIN_CLIENT_ID_HASH` hex digits of hash, and the ids must fit the venue's
    limit on a client order id's length (`venue_limit`, when known).
    """
    if not _PREFIX_PATTERN.fullmatch(prefix):
        return f"expected lowercase letters and digits only, got {prefix!r}"
    longest = CLIENT_ID_LENGTH - MIN_CLIENT_ID_HASH
    if len(prefix) > longest:
        return f"expected at most {longest} characters (80 bits of hash stay), got {prefix!r}"
    if venue_limit is not None and venue_limit < CLIENT_ID_LENGTH:
        return (
            f"the venue takes client order ids of at most {venue_limit} characters; "
            f"tradekernel's are {CLIENT_ID_LENGTH}"
        )
    return None


_PROTECTIVE_MARK = "-p"
# A venue that books an OCO as an order list names each leg: the stop, the target.
_LEG_MARKS = ("-s", "-t")


def protective_order_id(entry_client_order_id: str, revision: int) -> str:
    """Return the client order id of an entry's protective exit (stop-loss, take-profit).

    Derived from the entry's id, so every protective order explains itself back to its
    entry; `revision` counts the resizes (a partial fill grows the protected quantity),
    since a venue never takes a client id twice. 32 + 2 + 2 characters fit Binance's 36.
    """
    if revision < 0:
        raise ValueError(f"revision must be >= 0, got {revision}")
    return f"{entry_client_order_id}{_PROTECTIVE_MARK}{revision}"


def _split_protective(client_order_id: str) -> tuple[str, str, str] | None:
    # (entry id, mark, revision) of a protective id or an OCO leg's id, else None.
    for mark in (_PROTECTIVE_MARK, *_LEG_MARKS):
        entry, found, revision = client_order_id.rpartition(mark)
        if found and entry and revision.isdigit() and revision.isascii():
            return entry, mark, revision
    return None


def protected_entry_id(client_order_id: str) -> str | None:
    """Return the entry a protective order (or one of its OCO legs) protects, else None."""
    parts = _split_protective(client_order_id)
    return None if parts is None else parts[0]


def protective_revision(client_order_id: str) -> int:
    """Return the revision of a protective order's (or OCO leg's) id, 0 for any other id."""
    parts = _split_protective(client_order_id)
    return 0 if parts is None else int(parts[2])


def oco_leg_ids(protective_client_order_id: str) -> tuple[str, str]:
    """Return the client ids of an OCO's stop leg and target leg (an order list's legs).

    Raises:
        ValueError: the id is not a protective order's id.
    """
    parts = _split_protective(protective_client_order_id)
    if parts is None or parts[1] != _PROTECTIVE_MARK:
        raise ValueError(f"{protective_client_order_id!r} is not a protective order id")
    entry, _, revision = parts
    stop, target = _LEG_MARKS
    return f"{entry}{stop}{revision}", f"{entry}{target}{revision}"


def oco_list_id(leg_client_order_id: str) -> str | None:
    """Return the protective order (order list) id an OCO leg belongs to, else None."""
    parts = _split_protective(leg_client_order_id)
    if parts is None or parts[1] == _PROTECTIVE_MARK:
        return None
    return f"{parts[0]}{_PROTECTIVE_MARK}{parts[2]}"
