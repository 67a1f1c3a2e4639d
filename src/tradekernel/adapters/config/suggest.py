"""`did you mean ...?` for a mistyped key or plugin type."""

import difflib
from collections.abc import Iterable


def did_you_mean(word: str, known: Iterable[str]) -> str:
    """Return ` (did you mean 'x'?)` for the closest known name, or "" when none is close."""
    matches = difflib.get_close_matches(word, sorted(known), n=1, cutoff=0.6)
    return f" (did you mean {matches[0]!r}?)" if matches else ""


def unknown_names(words: Iterable[str], known: Iterable[str]) -> str:
    """Return the sorted unknown `words`, each with its suggestion, comma-separated."""
    names = sorted(known)
    return ", ".join(f"{word}{did_you_mean(word, names)}" for word in sorted(words))
