"""`tradekernel data download`'s input checks (before any traffic) and its time parsing."""

from pathlib import Path

import pytest

from tradekernel.adapters.ccxt.config import CcxtSettings
from tradekernel.bootstrap.cli import main
from tradekernel.bootstrap.commands.data_download import parse_time_ms
from tradekernel.bootstrap.container import download_container
from tradekernel.domain.errors import ConfigError

JAN_1_2024_MS = 1_704_067_200_000


@pytest.mark.parametrize(
    "text",
    [
        "2024-01-01",
        "2024-01-01T00:00",
        "2024-01-01T00:00Z",
        "2024-01-01T01:00+01:00",
        "1704067200000",
    ],
)
def test_times_are_iso_utc_or_epoch_ms(text: str) -> None:
    assert parse_time_ms(text, path="--start") == JAN_1_2024_MS


def test_a_time_of_neither_form_names_both() -> None:
    with pytest.raises(ConfigError, match=r"ISO 8601 .* or epoch ms"):
        parse_time_ms("yesterday", path="--start")


def _download(tmp_path: Path, *extra: str) -> list[str]:
    return [
        "data",
        "download",
        "--exchange",
        "binance",
        "--symbols",
        "BTC/USDT",
        "--store",
        str(tmp_path / "store"),
        *extra,
    ]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--timeframe", "7m", "--start", "2024-01-01"), "unknown timeframe '7m'"),
        (("--timeframe", "1m", "--start", "soon"), "expected an ISO 8601 time"),
        (
            ("--timeframe", "1m", "--start", "2024-01-02", "--end", "2024-01-01"),
            "--end must be after --start",
        ),
        (("--timeframe", "1m", "--start", "2024-01-01", "--page-size", "0"), "at least 1"),
    ],
)
def test_bad_arguments_exit_2_with_one_error_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: tuple[str, ...], message: str
) -> None:
    assert main(_download(tmp_path, *extra)) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "store").exists()


def test_an_exchange_config_for_another_exchange_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "live.toml"
    config.write_text('blueprint = "bot.toml"\n[ccxt]\nexchange_id = "kraken"\n')
    argv = _download(tmp_path, "--timeframe", "1m", "--start", "2024-01-01")
    assert main([*argv, "--exchange-config", str(config)]) == 2
    assert "the config names exchange 'kraken', --exchange says 'binance'" in (
        capsys.readouterr().err
    )


def test_keys_reach_the_client_only_when_both_variables_are_set() -> None:
    env = {"TRADEKERNEL_API_KEY": "k1", "TRADEKERNEL_API_SECRET": "s1"}
    for environ, expected in ((env, "k1"), ({"TRADEKERNEL_API_KEY": "k1"}, "")):
        container = download_container(CcxtSettings(), environ)
        try:
            market = container.download_market_data()
            assert market._exchange.apiKey == expected
        finally:
            container.shutdown_resources()
