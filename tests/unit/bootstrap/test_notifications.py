"""Notify URLs come from the environment first; messages are redacted of every secret."""

from pathlib import Path

import pytest

from tradekernel.bootstrap.live_config import load_live
from tradekernel.bootstrap.notifications import NOTIFY_URLS_ENV, notify_urls, secret_redactor
from tradekernel.domain.errors import ConfigError


def test_the_environment_wins_over_the_config_and_splits_on_spaces_and_commas() -> None:
    environ = {NOTIFY_URLS_ENV: "json://a/ , tgram://bot123456789/chat"}
    assert notify_urls(environ, ("mailto://x",)) == ("json://a/", "tgram://bot123456789/chat")
    assert notify_urls({}, ("mailto://x",)) == ("mailto://x",)
    assert notify_urls({}) == ()


def test_the_redactor_blanks_the_venue_credentials_and_url_tokens() -> None:
    url = "discord://webhookid123/tokenABCDEFGH99"
    environ = {"TRADEKERNEL_API_KEY": "key-123456", "TRADEKERNEL_API_SECRET": "sec-abcdef"}
    redact = secret_redactor(environ, [url])
    text = redact(f"error key=key-123456 secret=sec-abcdef via {url} token tokenABCDEFGH99")
    assert text == "error key=*** secret=*** via *** token ***"


def test_a_live_config_notify_table_is_loaded_and_checked(tmp_path: Path) -> None:
    config = tmp_path / "live.toml"
    config.write_text(
        'blueprint = "b.toml"\n[notify]\nurls = ["json://127.0.0.1:9/"]\nmax_messages = 3\n'
    )
    notify = load_live(config).settings.notify
    assert notify.urls == ("json://127.0.0.1:9/",)
    assert (notify.max_messages, notify.window_seconds) == (3, 10.0)
    config.write_text('blueprint = "b.toml"\n[notify]\nmax_messages = 0\n')
    with pytest.raises(ConfigError, match="expected an integer >= 1") as raised:
        load_live(config)
    assert raised.value.path == "notify.max_messages"
    config.write_text('blueprint = "b.toml"\n[notify]\nurl = "json://x"\n')
    with pytest.raises(ConfigError):
        load_live(config)
