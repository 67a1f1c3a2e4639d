"""`portfolio plan` through a fresh argparse parser (the lead adds it to REGISTRARS)."""

import argparse
import json
import shutil
from pathlib import Path

import pytest

from tradekernel.bootstrap.commands.portfolio import register
from tradekernel.domain.errors import ConfigError

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "portfolio"


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="tradekernel")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    code: int = args.handler(args)
    return code


def _example(tmp_path: Path) -> Path:
    for name in ("portfolio.toml", "state.toml", "momentum.toml"):
        shutil.copy(EXAMPLE / name, tmp_path / name)
    return tmp_path / "portfolio.toml"


def test_table_output_shows_each_bucket_best_breakdown_and_runners_up(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(["portfolio", "plan", "--config", str(_example(tmp_path))]) == 0
    out = capsys.readouterr().out
    for bucket in ("core", "dips", "momentum"):
        assert f"bucket {bucket}  share" in out
    assert out.count("best score breakdown:") == 3
    assert out.count("  best  ") == 3 and "  #2  " in out
    header = next(line for line in out.splitlines() if "rank" in line and "score" in line)
    row = out.splitlines()[out.splitlines().index(header) + 1]
    assert header.index("score") == row.index("0.")  # columns are aligned


def test_json_output_has_sorted_keys_and_matches_incremental_mode(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = str(_example(tmp_path))
    assert _run(["portfolio", "plan", "--config", config, "--format", "json"]) == 0
    one_shot = capsys.readouterr().out
    payload = json.loads(one_shot)
    assert payload["schema_version"] == 1
    assert [b["bucket"] for b in payload["buckets"]] == ["core", "dips", "momentum"]
    assert one_shot.strip() == json.dumps(payload, sort_keys=True, indent=2)
    db = str(tmp_path / "plan.db")
    argv = [
        "portfolio",
        "plan",
        "--config",
        config,
        "--format",
        "json",
        "--incremental",
        "--db",
        db,
    ]
    assert _run([*argv, "--batch-size", "3"]) == 0
    captured = capsys.readouterr()
    assert captured.out == one_shot
    assert "sequences scored" in captured.err


def test_bad_config_raises_a_config_error_naming_the_key_path(tmp_path: Path) -> None:
    config = _example(tmp_path)
    text = config.read_text().replace('capital_share = "0.6"', "capital_share = 0.6")
    config.write_text(text)
    with pytest.raises(ConfigError) as error:
        _run(["portfolio", "plan", "--config", str(config)])
    assert "expected a decimal string, got float 0.6 @ portfolio.buckets.core.capital_share" in str(
        error.value
    )


def test_incremental_without_db_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="--incremental needs --db"):
        _run(["portfolio", "plan", "--config", str(_example(tmp_path)), "--incremental"])


def test_cli_main_turns_a_bad_config_into_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tradekernel.bootstrap import cli
    from tradekernel.bootstrap.commands import registry

    monkeypatch.setattr(registry, "REGISTRARS", [register])
    config = _example(tmp_path)
    config.write_text(config.read_text().replace('preset = "conservative"', 'preset = "yolo"'))
    assert cli.main(["portfolio", "plan", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: unknown preset 'yolo'")
    assert "portfolio.buckets.core.preset" in err


def test_help_shows_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        _run(["portfolio", "plan", "--help"])
    assert stop.value.code == 0
    assert "example: tradekernel portfolio plan --config" in capsys.readouterr().out
