"""The `tradekernel live` config: strict loading with key paths, the dry run's own store,
and keys only from the environment (the error names the variable, never a value)."""

from pathlib import Path

import attrs
import pytest
from tests.integration.live.live_venue import write_config

from tradekernel.bootstrap.cli import main
from tradekernel.bootstrap.live_job import load_live, store_path
from tradekernel.domain.errors import ConfigError
from tradekernel.orchestration.live.reconciliation import ReconcileSettings
from tradekernel.orchestration.oms.order_manager import OmsSettings

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
    # Keys are needed with --live only (a dry run reads public data).
    assert main(["live", "--config", str(path), "--live", "--max-cycles", "1"]) == 2
    err = capsys.readouterr().err
    assert "TRADEKERNEL_API_KEY" in err and "s3cr3t-value" not in err
    assert not (tmp_path / "bot-dry.db").exists() and not (tmp_path / "bot.db").exists()


def test_vanish_settings_default_to_the_reconcilers_own_defaults(tmp_path: Path) -> None:
    settings = load_live(write_config(tmp_path, NOWHERE)).settings
    defaults = attrs.fields(ReconcileSettings)
    assert settings.vanish_passes == defaults.vanish_passes.default == 3
    assert settings.vanish_grace_ms == defaults.vanish_grace_ms.default == 300_000


def test_set_vanish_settings_are_loaded_as_written(tmp_path: Path) -> None:
    extra = "vanish_passes = 5\nvanish_grace_ms = 0\n"
    settings = load_live(write_config(tmp_path, NOWHERE, extra=extra)).settings
    assert (settings.vanish_passes, settings.vanish_grace_ms) == (5, 0)


def test_the_ambiguous_grace_defaults_to_the_oms_own_and_is_loaded_as_written(
    tmp_path: Path,
) -> None:
    default = load_live(write_config(tmp_path, NOWHERE)).settings.ambiguous_grace_ms
    assert default == attrs.fields(OmsSettings).ambiguous_grace_ms.default == 60_000
    extra = "ambiguous_grace_ms = 500\n"
    assert (
        load_live(write_config(tmp_path, NOWHERE, extra=extra)).settings.ambiguous_grace_ms == 500
    )


@pytest.mark.parametrize(
    ("line", "key", "message"),
    [
        ("vanish_passes = 1", "vanish_passes", "expected an integer >= 2"),
        ("vanish_passes = 0", "vanish_passes", "expected an integer >= 2"),
        ("vanish_passes = -3", "vanish_passes", "got -3"),
        ("vanish_passes = 2.5", "vanish_passes", "expected an integer, got float 2.5"),
        ("vanish_passes = true", "vanish_passes", "expected an integer, got bool True"),
        ("vanish_grace_ms = -1", "vanish_grace_ms", "expected an integer >= 0"),
        ("vanish_grace_ms = 300.0", "vanish_grace_ms", "expected an integer, got float"),
        ('vanish_grace_ms = "300000"', "vanish_grace_ms", "expected an integer, got str"),
        ("ambiguous_grace_ms = -1", "ambiguous_grace_ms", "expected an integer >= 0"),
        ('on_stop = "flatten"', "on_stop", "expected 'keep' or 'cancel'"),
        ("max_ban_wait = -1.0", "max_ban_wait", "expected a number >= 0"),
        ("stale_after_bars = -0.5", "stale_after_bars", "expected a number >= 0"),
        ('client_id_prefix = "Bot-A"', "client_id_prefix", "lowercase letters and digits"),
        ('client_id_prefix = ""', "client_id_prefix", "lowercase letters and digits"),
        ('client_id_prefix = "abcdefghijklm"', "client_id_prefix", "at most 12 characters"),
    ],
)
def test_a_bad_setting_is_refused_naming_the_key_and_file(
    tmp_path: Path, line: str, key: str, message: str
) -> None:
    path = write_config(tmp_path, NOWHERE, extra=line + "\n")
    with pytest.raises(ConfigError) as error:
        load_live(path)
    text = str(error.value)
    assert message in text and str(path) in text
    assert f"@ {key}" in text


def test_operations_settings_default_to_waiting_keeping_and_watching(tmp_path: Path) -> None:
    settings = load_live(write_config(tmp_path, NOWHERE)).settings
    assert (settings.max_ban_wait, settings.on_stop, settings.stale_after_bars) == (
        3600.0,
        "keep",
        3.0,
    )
    assert settings.client_id_prefix == "tk"


def test_a_venue_whose_client_ids_are_shorter_than_ours_is_refused(tmp_path: Path) -> None:
    path = write_config(tmp_path, NOWHERE)
    path.write_text(path.read_text().replace("[ccxt]\n", '[ccxt]\nexchange_id = "gate"\n', 1))
    with pytest.raises(ConfigError, match="at most 28 characters") as error:
        load_live(path)
    assert "@ client_id_prefix" in str(error.value)
