"""Plugin files named by a blueprint (`plugins = ["x.py"]`), relative to the blueprint."""

import shutil
from pathlib import Path

import pytest

from tradekernel.bootstrap.blueprints import load
from tradekernel.domain.enums import PluginKind
from tradekernel.domain.errors import ConfigError

FIXTURE = Path(__file__).parent / "plugins_fixture"


def _blueprint(directory: Path, plugins: str) -> Path:
    text = (FIXTURE / "roc_cross.toml").read_text()
    path = directory / "strategy.toml"
    path.write_text(text.replace('plugins = ["plugins_fixture.momentum"]', plugins))
    return path


def test_a_plugin_file_loads_relative_to_the_blueprint_not_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "lib").mkdir()
    shutil.copy(FIXTURE / "momentum.py", tmp_path / "lib" / "momentum.py")
    path = _blueprint(tmp_path, 'plugins = ["lib/momentum.py"]')
    monkeypatch.chdir(tmp_path / "lib")  # a path relative to here would not be found
    loaded, catalog = load(path)
    assert (PluginKind.CONTEXT_WORKER, "roc") in catalog
    assert loaded.settings.workers[0].type == "roc"


def test_a_missing_plugin_file_is_named_with_its_key_path(tmp_path: Path) -> None:
    path = _blueprint(tmp_path, 'plugins = ["absent.py"]')
    with pytest.raises(ConfigError) as raised:
        load(path)
    assert "no plugin file" in str(raised.value)
    assert "@ plugins[0]" in str(raised.value)


def test_a_plugin_file_that_raises_is_a_config_error_naming_it(tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text("raise RuntimeError('boom')\n")
    path = _blueprint(tmp_path, 'plugins = ["broken.py"]')
    with pytest.raises(ConfigError, match=r"broken.py failed to load: RuntimeError: boom"):
        load(path)


def test_a_plugin_file_without_specs_is_refused(tmp_path: Path) -> None:
    (tmp_path / "empty.py").write_text("VALUE = 1\n")
    path = _blueprint(tmp_path, 'plugins = ["empty.py"]')
    with pytest.raises(ConfigError, match="does not provide SPECS"):
        load(path)
