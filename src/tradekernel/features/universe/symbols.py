"""Symbol normalisation for universe lists.

A symbol is `BASE/QUOTE` (optionally `BASE/QUOTE:SETTLE` for derivatives), upper case,
letters and digits only. Input is trimmed and upper-cased, and a dash between base and
quote is accepted as the separator: `btc-usdt` becomes `BTC/USDT`.
"""

import re

_SYMBOL = re.compile(r"[A-Z0-9]+/[A-Z0-9]+(:[A-Z0-9]+)?")


class InvalidSymbol(ValueError):
    """A text that is not a symbol; `text` is what was given."""

    def __init__(self, text: str) -> None:
        super().__init__(f"invalid symbol {text!r}: expected BASE/QUOTE, e.g. BTC/USDT")
        self.text = text


def normalize_symbol(text: str) -> str:
    """Return `text` as a canonical `BASE/QUOTE` symbol.

    Raises:
        InvalidSymbol: `text` is not a symbol in either accepted spelling.
    """
    candidate = text.strip().upper()
    if "/" not in candidate and candidate.count("-") == 1:
        candidate = candidate.replace("-", "/")
    if not _SYMBOL.fullmatch(candidate):
        raise InvalidSymbol(text)
    return candidate
