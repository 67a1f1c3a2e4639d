"""Settings of the ccxt adapter, and API credentials read only from the environment."""

import re
from collections.abc import Mapping
from enum import StrEnum

import attrs
from typing_extensions import override

from tradekernel.domain.errors import ConfigError

DEFAULT_KEY_ENV = "TRADEKERNEL_API_KEY"
DEFAULT_SECRET_ENV = "TRADEKERNEL_API_SECRET"


# The longest client order id each venue takes (its API docs); tradekernel's are 32.
_CLIENT_ID_LIMITS = {
    "binance": 36,
    "binanceusdm": 36,
    "bybit": 36,
    "okx": 32,
    "kucoin": 40,
    "gate": 28,
}


def client_id_limit(exchange_id: str) -> int | None:
    """Return the longest client order id the exchange takes, or None if not known."""
    return _CLIENT_ID_LIMITS.get(exchange_id)


class MarketType(StrEnum):
    SPOT = "spot"
    SWAP = "swap"


def _positive(instance: object, attribute: "attrs.Attribute[float]", value: float) -> None:
    if value <= 0:
        raise ConfigError(f"must be positive, got {value}", path=f"ccxt.retry.{attribute.name}")


def _at_least_one(instance: object, attribute: "attrs.Attribute[int]", value: int) -> None:
    if value < 1:
        raise ConfigError(f"must be at least 1, got {value}", path=f"ccxt.retry.{attribute.name}")


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """Numbers of the retry policy for reads and cancels (submits are never retried blindly).

    Attributes:
        attempts: total tries of one read or cancel, the first included.
        base_delay_s: first backoff; each further attempt doubles it, up to `max_delay_s`.
        jitter: the backoff is stretched by a random factor in [1, 1 + jitter).
        rate_limit_min_s: the least wait after a 429, whatever the venue's hint says.
        lookup_window_s: how long an unconfirmed submit is looked up by client id.
        lookup_interval_s: the pause between two such lookups.
        nonce_resyncs: clock resyncs allowed per call on `InvalidNonce`.
        ban_unknown_s: how long a ban lasts when the venue names no end (no "banned
            until", no Retry-After); Binance's bans run from 2 minutes up.
    """

    attempts: int = attrs.field(default=4, validator=_at_least_one)
    base_delay_s: float = attrs.field(default=0.5, validator=_positive)
    max_delay_s: float = attrs.field(default=30.0, validator=_positive)
    jitter: float = 0.25
    rate_limit_min_s: float = attrs.field(default=2.0, validator=_positive)
    lookup_window_s: float = attrs.field(default=10.0, validator=_positive)
    lookup_interval_s: float = attrs.field(default=1.0, validator=_positive)
    nonce_resyncs: int = attrs.field(default=1, validator=_at_least_one)
    ban_unknown_s: float = attrs.field(default=120.0, validator=_positive)


@attrs.frozen(kw_only=True)
class CcxtSettings:
    """How to reach one exchange through ccxt. Holds no secret: only the NAMES of the
    environment variables that hold the API key and secret.

    Attributes:
        exchange_id: the ccxt exchange id, e.g. `binance`.
        market_type: spot (default) or swap; markets of other types are never loaded.
        api_base_url: replaces scheme and host of every URL in ccxt's `urls['api']`
            (a testnet, a proxy, the tests' loopback venue), e.g. `http://127.0.0.1:8080`.
        sandbox: switch ccxt to the exchange's testnet (`set_sandbox_mode(True)`).
        timeout_ms: ccxt's per-request timeout.
        recv_window_ms: Binance's `recvWindow` for signed requests.
        symbols: the symbols traded; `own_trades()` without a symbol asks for each of them
            (Binance has no account-wide trades endpoint).
        enable_rate_limit: ccxt's built-in request throttle.
    """

    exchange_id: str = "binance"
    market_type: MarketType = MarketType.SPOT
    api_base_url: str | None = None
    sandbox: bool = False
    timeout_ms: int = 10_000
    recv_window_ms: int = 5_000
    symbols: tuple[str, ...] = ()
    enable_rate_limit: bool = True
    api_key_env: str = DEFAULT_KEY_ENV
    api_secret_env: str = DEFAULT_SECRET_ENV
    retry: RetryPolicy = attrs.field(factory=RetryPolicy)

    def __attrs_post_init__(self) -> None:
        if self.timeout_ms <= 0:
            raise ConfigError(f"must be positive, got {self.timeout_ms}", path="ccxt.timeout_ms")
        url = self.api_base_url
        if url is not None and not url.startswith(("http://", "https://")):
            raise ConfigError(f"expected an http(s) URL, got {url!r}", path="ccxt.api_base_url")


@attrs.frozen(kw_only=True, repr=False)
class Credentials:
    """An API key and secret; `repr` and `str` never show them."""

    api_key: str
    secret: str

    @override
    def __repr__(self) -> str:
        return "Credentials(api_key=***, secret=***)"

    __str__ = __repr__

    def redact(self, text: str) -> str:
        """Return `text` with each whole occurrence of the key and the secret as `***`.

        Only the strings themselves are replaced, never letters of other words: a key that
        happens to be `E` must not turn `ExchangeNotAvailable` into `***xchange...`. A
        key or secret stands in text delimited by something that is not a letter or digit
        (quotes, `=`, spaces, `:`), which is where a venue's message or a URL echoes it.
        """
        for value in (self.secret, self.api_key):
            if value:
                pattern = rf"(?<![A-Za-z0-9]){re.escape(value)}(?![A-Za-z0-9])"
                text = re.sub(pattern, "***", text)
        return text


def has_credentials(settings: CcxtSettings, environ: Mapping[str, str]) -> bool:
    """Return True if both credential variables the settings name are set and non-empty."""
    return all(environ.get(name) for name in (settings.api_key_env, settings.api_secret_env))


def credentials_from_env(settings: CcxtSettings, environ: Mapping[str, str]) -> Credentials:
    """Read the API key and secret from the environment variables the settings name.

    Raises:
        ConfigError: a variable is unset or empty (the message names the variable, never
            a value).
    """
    missing = [
        name for name in (settings.api_key_env, settings.api_secret_env) if not environ.get(name)
    ]
    if missing:
        raise ConfigError(
            f"environment variable(s) {', '.join(missing)} not set: live trading needs the "
            "exchange API key and secret there",
            path="ccxt.api_key_env",
        )
    return Credentials(
        api_key=environ[settings.api_key_env], secret=environ[settings.api_secret_env]
    )
