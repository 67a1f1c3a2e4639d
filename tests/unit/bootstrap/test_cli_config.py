"""`config validate`, `check-lookahead` and user plugins named in a blueprint."""

import re
from pathlib import Path

import pytest

from tradekernel.adapters.data.bundled import bundled_path
from tradekernel.bootstrap.blueprints import bundled_blueprint, load
from tradekernel.bootstrap.cli import main
from tradekernel.domain.errors import ConfigError

FIXTURES = Path(__file__).parent / "plugins_fixture"
EXAMPLES = sorted(bundled_blueprint().parent.glob("*.toml"))


@pytest.fixture
def plugin_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make `plugins_fixture` importable, as a user's own package would be."""
    monkeypatch.syspath_prepend(str(FIXTURES.parent))


def test_there_are_several_example_blueprints() -> None:
    names = {path.name for path in EXAMPLES}
    assert {"sma_cross.toml", "rsi_mean_reversion.toml", "breakout_atr.toml"} <= names
    assert "multi_symbol.toml" in names


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_config_validate_accepts_every_example_blueprint(
    example: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["config", "validate", str(example)]) == 0
    out = capsys.readouterr().out
    assert re.match(rf"^{re.escape(str(example))}: valid blueprint '{example.stem}' ", out)
    for label in ("context workers", "strategy planners", "entry planners", "allocation"):
        assert f"  {label}" in out


def test_config_validate_shows_the_confidence_ranges_of_the_planners(
    capsys: pytest.CaptureFixture[str],
) -> None:
    example = bundled_blueprint().parent / "rsi_mean_reversion.toml"
    assert main(["config", "validate", str(example)]) == 0
    out = capsys.readouterr().out
    assert (
        "  entry planners    market (confidence 0.7..1), patient_limit (confidence 0..0.7)"
        in out.splitlines()
    )


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ("period = 10", "period = 0", "@ context.workers[0]"),
        ('quantity = "0.01"', "quantity = 0.01", "@ strategy.planners[0].quantity"),
        ('type = "ma_crossover"', 'type = "nope"', "@ signals.opportunities[0].type"),
        ('fast = "sma_fast"', 'fast = "nope"', "@ signals.opportunities[0]"),
        ("[allocation]", "[allocations]", "@ (top level)"),
    ],
)
def test_config_validate_of_a_broken_blueprint_exits_2_with_the_key_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, where: str
) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text(bundled_blueprint().read_text().replace(old, new, 1))
    assert main(["config", "validate", str(broken)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "Traceback" not in captured.err
    assert captured.err.startswith("error: ")
    assert where in captured.err
    assert str(broken) in captured.err


def test_config_validate_of_a_bad_rank_by_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text(
        bundled_blueprint()
        .read_text()
        .replace(
            'symbols = ["BTC/USD"]',
            'symbols = ["BTC/USD"]\nmethod = "ranked"\ntop_n = 1\nrank_by = "bogus"',
        )
    )
    assert main(["config", "validate", str(broken)]) == 2
    assert "universe.rank_by" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("table", "where", "words"),
    [
        ('fallback_on = ["bogus"]', "execution.fallback_on[0]", "'reject', 'timeout'"),
        ('fallback_on = ["reject", "later"]', "execution.fallback_on[1]", "'later'"),
        ('sizing = "explicit_or_delegated"', "execution", "unknown keys: sizing"),
    ],
)
def test_config_validate_refuses_an_unknown_execution_setting_with_its_key_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], table: str, where: str, words: str
) -> None:
    # Accepted and ignored settings are refused: a reason outside the enum, or a key
    # that no code reads (`sizing`: a directive's size hint alone decides).
    broken = tmp_path / "broken.toml"
    broken.write_text(bundled_blueprint().read_text() + f"\n[execution]\n{table}\n")
    assert main(["config", "validate", str(broken)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err
    assert where in err and words in err


def test_a_bad_universe_method_names_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text(
        bundled_blueprint()
        .read_text()
        .replace('symbols = ["BTC/USD"]', 'symbols = ["BTC/USD"]\nmethod = "bogus"')
    )
    assert main(["config", "validate", str(broken)]) == 2
    err = capsys.readouterr().err
    assert "@ universe.method" in err
    assert str(broken) in err


def test_check_lookahead_on_the_example_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "check-lookahead",
            "--config",
            str(bundled_blueprint()),
            "--data",
            str(bundled_path()),
            "--samples",
            "8",
        ]
    )
    assert code == 0
    assert capsys.readouterr().out == "BTC/USD: 8 bars x 2 columns checked, clean\n"


@pytest.mark.usefixtures("plugin_path")
def test_check_lookahead_exits_1_on_a_centred_moving_average(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(
        [
            "check-lookahead",
            "--config",
            str(FIXTURES / "centred.toml"),
            "--data",
            str(bundled_path()),
            "--samples",
            "6",
        ]
    )
    assert code == 1
    lines = capsys.readouterr().out.splitlines()
    # 6 samples over 3 columns; bar 0 is NaN either way, every later sample is a finding
    assert lines[0] == "BTC/USD: 6 bars x 3 columns checked, 4 finding(s)"
    findings = lines[1:]
    assert len(findings) == 4
    assert all(line.startswith("  LOOK-AHEAD BTC/USD centred_7 at bar ") for line in findings)
    assert all(line.endswith("truncated nan") for line in findings)


@pytest.mark.usefixtures("plugin_path")
def test_a_blueprint_with_user_plugins_loads_with_them_in_its_catalog() -> None:
    loaded, catalog = load(FIXTURES / "roc_cross.toml")
    assert [w.type for w in loaded.settings.workers] == ["roc"]
    assert [o.type for o in loaded.settings.opportunities] == ["roc_cross"]
    assert loaded.settings.workers[0].params.period == 24
    assert {name for _, name in catalog} >= {"roc", "roc_cross", "sma", "weighted"}


@pytest.mark.usefixtures("plugin_path")
def test_a_blueprint_with_user_plugins_is_backtested_with_trades(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    # 2000 real bars keep the run short; the fixture's sign changes give many trades
    rows = bundled_path().read_text().splitlines()[:2001]
    (tmp_path / "bars.csv").write_text("\n".join(rows) + "\n")
    code = main(
        [
            "backtest",
            "--quiet",
            "--config",
            str(FIXTURES / "roc_cross.toml"),
            "--data",
            "bars.csv",
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "data     BTC/USD: 2000 bars from bars.csv, " in out
    assert "2017-07-01T11:00:00Z .. 2017-09-22T18:00:00Z, no gaps" in out
    trades = re.search(r"^Trades\s+(\d+)$", out, re.MULTILINE)
    assert trades is not None and int(trades.group(1)) > 10
    # the opportunity declares a candidate mask, so the sparse loop skips most bars
    calls = re.search(r"kernel called on (\d+) of 2000 bars", out)
    assert calls is not None and 0 < int(calls.group(1)) < 1000


@pytest.mark.usefixtures("plugin_path")
def test_a_user_plugin_clashing_with_a_builtin_name_is_a_config_error(tmp_path: Path) -> None:
    blueprint = tmp_path / "clash.toml"
    blueprint.write_text('plugins = ["plugins_fixture.clash"]\n' + bundled_blueprint().read_text())
    with pytest.raises(ConfigError, match=r"plugin context_worker 'sma' is registered twice"):
        load(blueprint)


@pytest.mark.usefixtures("plugin_path")
def test_config_validate_of_a_clash_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blueprint = tmp_path / "clash.toml"
    blueprint.write_text('plugins = ["plugins_fixture.clash"]\n' + bundled_blueprint().read_text())
    assert main(["config", "validate", str(blueprint)]) == 2
    assert "registered twice" in capsys.readouterr().err


def test_an_unimportable_plugin_module_names_its_key_path(tmp_path: Path) -> None:
    blueprint = tmp_path / "missing.toml"
    blueprint.write_text('plugins = ["no_such_plugin_pkg"]\n' + bundled_blueprint().read_text())
    with pytest.raises(ConfigError) as caught:
        load(blueprint)
    assert caught.value.path == "plugins[0]"
    assert "cannot import plugin module 'no_such_plugin_pkg'" in str(caught.value)


def test_an_unimportable_plugin_module_error_names_the_file(tmp_path: Path) -> None:
    blueprint = tmp_path / "missing.toml"
    blueprint.write_text('plugins = ["no_such_plugin_pkg"]\n' + bundled_blueprint().read_text())
    with pytest.raises(ConfigError) as caught:
        load(blueprint)
    assert caught.value.file == str(blueprint)
