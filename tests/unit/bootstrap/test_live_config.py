"""The `tradekernel live` config: strict loading with key paths, the dry run's own store,
and keys only from the environment (the error names the variable, never a value)."""

from pathlib import Path

import pytest
from tests.integration.live.live_venue import write_config

from tradekernel.bootstrap.cli import main
from tradekernel.bootstrap.live_job import load_live, store_path
from tradekernel.domain.errors import ConfigError

NOWHERE = "http://127.0.0.1:9"  # never contacted: every case fails before the network


def test_a_config_loads_with_defaults_and_a_stable_hash(tmp_path: Path) -> None:
    path = write_config(tmp_path, NOWHERE)
    first, second = load_live(path), load_live(path)
    assert first.settings.mode == "dry-run" and first.settings.window == 40
    assert first.settings.ccxt.api_base_url == NOWHERE
    assert first.config_hash == second.config_hash and len(first.config_hash) == 64


def test_an_unknown_mode_is_refused_naming_the_key_and_file(tmp_path: Path) -> None:
    path = write_config(tmp_path, NOWHERE, mode="paper")
    with pytest.raises(ConfigError, match="expected 'dry-run' or 'live', got 'paper'") as error:
        load_live(path)
    assert "mode" in str(error.value) and str(path) in str(error.value)


def test_an_unknown_key_is_refused_with_its_path(tmp_path: Path) -> None:
    path = write_config(tmp_path, NOWHERE, extra="cycle_secs = 3\n")
    with pytest.raises(ConfigError, match="cycle_secs"):
        load_live(path)


def test_a_dry_run_keeps_its_own_store_next_to_the_live_one(tmp_path: Path) -> None:
    loaded = load_live(write_config(tmp_path, NOWHERE))
    assert store_path(loaded, live=True) == (tmp_path / "bot.db").resolve()
    assert store_path(loaded, live=False) == (tmp_path / "bot-dry.db").resolve()


def test_missing_keys_exit_2_naming_the_variables_and_nothing_is_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("TRADEKERNEL_API_KEY", raising=False)
    monkeypatch.setenv("TRADEKERNEL_API_SECRET", "s3cr3t-value")
    path = write_config(tmp_path, NOWHERE)
    assert main(["live", "--config", str(path), "--max-cycles", "1"]) == 2
    err = capsys.readouterr().err
    assert "TRADEKERNEL_API_KEY" in err and "s3cr3t-value" not in err
    assert not (tmp_path / "bot-dry.db").exists() and not (tmp_path / "bot.db").exists()
