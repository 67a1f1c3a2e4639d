"""Settings, credentials from the environment, and the ccxt client they build."""

import pytest

from tradekernel.adapters.ccxt.client import market_options, rewrite_base_url
from tradekernel.adapters.ccxt.config import (
    CcxtSettings,
    Credentials,
    MarketType,
    RetryPolicy,
    credentials_from_env,
)
from tradekernel.domain.errors import ConfigError

KEY, SECRET = "kKeyValue123", "sSecretValue456"


def test_credentials_come_from_the_configured_variable_names_and_never_print() -> None:
    settings = CcxtSettings(api_key_env="MY_KEY", api_secret_env="MY_SECRET")

    credentials = credentials_from_env(settings, {"MY_KEY": KEY, "MY_SECRET": SECRET})

    assert (credentials.api_key, credentials.secret) == (KEY, SECRET)
    for text in (repr(credentials), str(credentials), repr(settings)):
        assert KEY not in text and SECRET not in text
    assert credentials.redact(f"sent {KEY} signed with {SECRET}") == "sent *** signed with ***"


def test_redaction_replaces_the_secrets_themselves_never_letters_of_other_words() -> None:
    dummy = Credentials(api_key="E", secret="x1")
    message = "ExchangeNotAvailable: key=E, secret 'x1' (x1x1 is not it)"
    assert dummy.redact(message) == "ExchangeNotAvailable: key=***, secret '***' (x1x1 is not it)"
    header = Credentials(api_key="Ab9+/=", secret="s")
    assert header.redact("{'X-MBX-APIKEY': 'Ab9+/='}") == "{'X-MBX-APIKEY': '***'}"


def test_missing_credentials_name_the_variables_not_values() -> None:
    settings = CcxtSettings()

    with pytest.raises(ConfigError) as raised:
        credentials_from_env(settings, {"TRADEKERNEL_API_KEY": KEY})

    assert "TRADEKERNEL_API_SECRET" in str(raised.value)
    assert KEY not in str(raised.value)


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"timeout_ms": 0}, "ccxt.timeout_ms"),
        ({"api_base_url": "127.0.0.1:80"}, "ccxt.api_base_url"),
    ],
)
def test_bad_settings_name_their_key(kwargs: dict[str, object], path: str) -> None:
    with pytest.raises(ConfigError) as raised:
        CcxtSettings(**kwargs)  # type: ignore[arg-type]
    assert raised.value.path == path


def test_bad_retry_numbers_name_their_key() -> None:
    with pytest.raises(ConfigError, match=r"ccxt\.retry\.attempts"):
        RetryPolicy(attempts=0)


def test_base_url_override_rewrites_every_api_url_and_keeps_paths() -> None:
    urls = {
        "public": "https://api.binance.com/api/v3",
        "sapi": "https://api.binance.com/sapi/v1",
        "nested": {"fapi": "https://fapi.binance.com/fapi/v1"},
    }

    rewritten = rewrite_base_url(urls, "http://127.0.0.1:8080/")

    assert rewritten == {
        "public": "http://127.0.0.1:8080/api/v3",
        "sapi": "http://127.0.0.1:8080/sapi/v1",
        "nested": {"fapi": "http://127.0.0.1:8080/fapi/v1"},
    }


@pytest.mark.parametrize(
    ("market_type", "types"), [(MarketType.SPOT, ["spot"]), (MarketType.SWAP, ["linear"])]
)
def test_binance_market_options_load_only_the_configured_type(
    market_type: MarketType, types: list[str]
) -> None:
    options = market_options(CcxtSettings(market_type=market_type))

    assert options["fetchMarkets"] == {"types": types}
    assert options["fetchCurrencies"] is False and options["fetchMargins"] is False
