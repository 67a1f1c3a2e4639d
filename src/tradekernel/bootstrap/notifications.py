"""Composing operator notifications: apprise URLs from the environment or config, redaction.

URLs carry tokens, so the environment (`TRADEKERNEL_NOTIFY_URLS`, several separated by
spaces or commas) is the preferred place and wins over a config's `[notify] urls`. Every
message is redacted of the venue key and secret (`Credentials.redact`, the ccxt adapter's
own rule) and of the URLs themselves before it leaves.
"""

import re
import time
from collections.abc import Callable, Mapping, Sequence
from urllib.parse import urlsplit

from tradekernel.adapters.apprise.batching import BatchPolicy
from tradekernel.adapters.apprise.notifier import AppriseNotifier
from tradekernel.adapters.ccxt.config import DEFAULT_KEY_ENV, DEFAULT_SECRET_ENV, Credentials
from tradekernel.bootstrap.live_config import LiveSettings
from tradekernel.domain.ports.notifier import Notifier

NOTIFY_URLS_ENV = "TRADEKERNEL_NOTIFY_URLS"


def notify_urls(environ: Mapping[str, str], configured: Sequence[str] = ()) -> tuple[str, ...]:
    """Return the apprise URLs to notify: the environment's if set, else the config's."""
    raw = environ.get(NOTIFY_URLS_ENV, "").strip()
    if raw:
        return tuple(url for url in re.split(r"[\s,]+", raw) if url)
    return tuple(configured)


def _url_secrets(url: str) -> list[str]:
    # The password and every path segment of a URL may be a token (Telegram, Discord,
    # Slack webhooks keep theirs in the path); host names and ports are not secret.
    parts = urlsplit(url)
    found = [url]
    if parts.password:
        found.append(parts.password)
    found.extend(segment for segment in parts.path.split("/") if len(segment) >= 8)
    return found


def secret_redactor(
    environ: Mapping[str, str],
    urls: Sequence[str],
    *,
    key_env: str = DEFAULT_KEY_ENV,
    secret_env: str = DEFAULT_SECRET_ENV,
) -> Callable[[str], str]:
    """Return a function that blanks the venue credentials and the notify URLs in a text."""
    credentials = Credentials(api_key=environ.get(key_env, ""), secret=environ.get(secret_env, ""))
    extra = sorted({s for url in urls for s in _url_secrets(url)}, key=len, reverse=True)

    def redact(text: str) -> str:
        text = credentials.redact(text)
        for secret in extra:
            text = text.replace(secret, "***")
        return text

    return redact


def build_notifier(
    environ: Mapping[str, str],
    configured: Sequence[str] = (),
    *,
    policy: BatchPolicy | None = None,
    key_env: str = DEFAULT_KEY_ENV,
    secret_env: str = DEFAULT_SECRET_ENV,
) -> Notifier | None:
    """Return an apprise notifier for the configured URLs, or None when there is none.

    `key_env` and `secret_env` name the venue credentials' variables (redacted).
    """
    urls = notify_urls(environ, configured)
    if not urls:
        return None
    return AppriseNotifier(
        urls,
        policy=policy or BatchPolicy(),
        redact=secret_redactor(environ, urls, key_env=key_env, secret_env=secret_env),
        monotonic_ms=lambda: time.monotonic_ns() // 1_000_000,
    )


def live_notifier(environ: Mapping[str, str], settings: LiveSettings) -> Notifier | None:
    """Return the notifier of a live config (`[notify]`, the environment first), or None."""
    notify = settings.notify
    return build_notifier(
        environ,
        notify.urls,
        policy=BatchPolicy(
            window_ms=round(notify.window_seconds * 1000),
            max_messages=notify.max_messages,
            period_ms=round(notify.period_seconds * 1000),
        ),
        key_env=settings.ccxt.api_key_env,
        secret_env=settings.ccxt.api_secret_env,
    )
