"""Notify URLs come from the environment first; messages are redacted of every secret."""

from tradekernel.bootstrap.notifications import NOTIFY_URLS_ENV, notify_urls, secret_redactor


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
