"""Merge allow and deny lists from config, list file and CLI into a `UniverseRecord`.

Rules: the three sources are unioned per list; a denied symbol is never selected (deny
wins, whichever source allowed it); a non-empty allow list restricts the selection to the
candidates it names (it never adds a symbol that is not a candidate); the result is sorted.
"""

from collections.abc import Sequence

from tradekernel.domain.plan import UniverseRecord
from tradekernel.features.universe.list_file import SymbolLists


def merge_universe(
    candidates: Sequence[str],
    *,
    config: SymbolLists | None = None,
    file: SymbolLists | None = None,
    cli: SymbolLists | None = None,
    method: str = "static",
) -> UniverseRecord:
    """Return the universe formed from `candidates` (the selector's output) and the lists.

    `candidates` must already be normalised symbols (the selector's output is); the record
    keeps them sorted, with the merged allow and deny lists and the selection `method`.
    """
    sources = [lists for lists in (config, file, cli) if lists is not None]
    allow = sorted({symbol for lists in sources for symbol in lists.allow})
    deny = sorted({symbol for lists in sources for symbol in lists.deny})
    denied = set(deny)
    allowed = set(allow)
    ordered = sorted(set(candidates))
    selected = tuple(
        symbol for symbol in ordered if symbol not in denied and (not allowed or symbol in allowed)
    )
    return UniverseRecord(
        candidates=tuple(ordered),
        allow=tuple(allow),
        deny=tuple(deny),
        selected=selected,
        method=method,
    )
