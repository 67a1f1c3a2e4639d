"""Parse the text of a universe list file into allow and deny lists.

The format, one entry per line::

    # comments start with '#', also after an entry; blank lines are ignored
    BTC/USDT          allowed
    eth-usdt          allowed (normalised to ETH/USDT)
    -DOGE/USDT        denied: a leading '-' denies the symbol
    deny:             every entry after this header is denied ...
    SHIB/USDT
    allow:            ... until an 'allow:' header switches back

Headers are case-insensitive. The caller reads the file; this module only sees its text,
and reports errors with their 1-based line number (the adapter adds the file name).
"""

import attrs

from tradekernel.features.universe.symbols import InvalidSymbol, normalize_symbol


class SymbolListError(ValueError):
    """A bad line in a list file; `line` is 1-based."""

    def __init__(self, message: str, *, line: int) -> None:
        super().__init__(f"line {line}: {message}")
        self.message = message
        self.line = line


@attrs.frozen(kw_only=True)
class SymbolLists:
    """Allowed and denied symbols from one source, normalised, sorted and without repeats."""

    allow: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()

    @classmethod
    def from_strings(
        cls, *, allow: tuple[str, ...] = (), deny: tuple[str, ...] = (), source: str = ""
    ) -> "SymbolLists":
        """Return lists from config or CLI strings.

        Raises:
            ValueError: an entry is not a symbol; the message names `source`, the list and
                the index, e.g. `config.allow[2]`.
        """
        return cls(
            allow=_normalised(allow, f"{source}.allow" if source else "allow"),
            deny=_normalised(deny, f"{source}.deny" if source else "deny"),
        )


def _normalised(symbols: tuple[str, ...], where: str) -> tuple[str, ...]:
    out = set()
    for index, text in enumerate(symbols):
        try:
            out.add(normalize_symbol(text))
        except InvalidSymbol as error:
            raise ValueError(f"{error} @ {where}[{index}]") from error
    return tuple(sorted(out))


_HEADERS = {"allow:": False, "deny:": True}


def parse_symbol_list(text: str) -> SymbolLists:
    """Return the allow and deny lists written in `text` (see the module docstring).

    Raises:
        SymbolListError: a line holds an unknown header or an invalid symbol.
    """
    allow: set[str] = set()
    deny: set[str] = set()
    denying = False
    for number, raw in enumerate(text.splitlines(), start=1):
        entry = raw.split("#", 1)[0].strip()
        if not entry:
            continue
        lowered = entry.lower()
        if lowered in _HEADERS:
            denying = _HEADERS[lowered]
            continue
        if entry.endswith(":") and " " not in entry and "/" not in entry:
            raise SymbolListError(
                f"unknown section {entry!r}: expected 'allow:' or 'deny:'", line=number
            )
        negated = entry.startswith("-")
        body = entry[1:].strip() if negated else entry
        if " " in body or "\t" in body:
            raise SymbolListError(f"one symbol per line, got {entry!r}", line=number)
        try:
            symbol = normalize_symbol(body)
        except InvalidSymbol as error:
            raise SymbolListError(str(error), line=number) from error
        (deny if negated or denying else allow).add(symbol)
    return SymbolLists(allow=tuple(sorted(allow)), deny=tuple(sorted(deny)))
