"""The domain error taxonomy. Adapters translate third-party exceptions into these."""


class TradekernelError(Exception):
    """Base of every error tradekernel raises on purpose."""


class VenueError(TradekernelError):
    """Base of the execution errors; carries the client order id when one is known."""

    def __init__(self, message: str, *, client_order_id: str | None = None) -> None:
        super().__init__(message)
        self.client_order_id = client_order_id


class Rejected(VenueError):
    """The venue refused the request; retrying it unchanged will fail again."""


class InsufficientFunds(Rejected):
    """The venue refused the order for lack of balance."""


class OrderNotFound(VenueError):
    """The venue does not know the order."""


class Transient(VenueError):
    """A passing fault (timeout, 5xx, rate limit); `retry_after_s` is the venue's hint."""

    def __init__(
        self,
        message: str,
        *,
        client_order_id: str | None = None,
        retry_after_s: float | None = None,
    ) -> None:
        super().__init__(message, client_order_id=client_order_id)
        self.retry_after_s = retry_after_s


class AmbiguousSubmit(VenueError):
    """A submit whose outcome is unknown: the order may or may not exist on the venue."""


class Fatal(VenueError):
    """Stop all traffic (a ban, revoked keys): a human must look."""


class Banned(Fatal):
    """The venue banned us for a while (HTTP 418): send nothing until `until_ms`.

    `until_ms` is the ban's end in epoch milliseconds when the venue said it (the message's
    "banned until", or its Retry-After from the time of the answer), else None.
    """

    def __init__(
        self, message: str, *, client_order_id: str | None = None, until_ms: int | None = None
    ) -> None:
        super().__init__(message, client_order_id=client_order_id)
        self.until_ms = until_ms


class ConfigError(TradekernelError):
    """Invalid configuration; names the file and the key path."""

    def __init__(self, message: str, *, path: str = "", file: str | None = None) -> None:
        self.message = message
        self.path = path
        self.file = file
        where = " @ ".join(part for part in (path, file or "") if part)
        super().__init__(f"{message} @ {where}" if where else message)


class DataError(TradekernelError):
    """Invalid market data; names the file and line (1-based, header is line 1)."""

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None) -> None:
        self.message = message
        self.file = file
        self.line = line
        where = file or ""
        if line is not None:
            where = f"{where}:{line}"
        super().__init__(f"{where}: {message}" if where else message)


class StorageError(TradekernelError):
    """The run store cannot be opened, read or written; `path` names the database or record.

    Examples: the file is not a SQLite database, the database is locked or was written by
    a newer tradekernel, a write hits a full disk, a stored value no longer parses.
    """

    def __init__(self, message: str, *, path: str) -> None:
        self.message = message
        self.path = path
        super().__init__(f"{message} @ {path}")


class OutputError(TradekernelError):
    """An output file or directory (`--out`, reports) cannot be written; `path` names it."""

    def __init__(self, message: str, *, path: str) -> None:
        self.message = message
        self.path = path
        super().__init__(f"{message} @ {path}")
