"""`tradekernel plan`: text and JSON output, hashes, `--at`, and determinism across processes."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tradekernel.adapters.data.bundled import bundled_path
from tradekernel.bootstrap.blueprints import bundled_blueprint
from tradekernel.bootstrap.cli import main
from tradekernel.orchestration.records.canonical import canonical_json, plan_hash, structure_plan

# The first cycle of the bundled example's backtest that buys (an SMA(10)/SMA(30) cross-up).
BUY_BAR = 1499281200000
FIRST_BAR = 1498906800000


def _plan(capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    code = main(
        ["plan", "--config", str(bundled_blueprint()), "--data", str(bundled_path()), *extra]
    )
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_plan_text_at_a_cross_up_shows_signal_directive_and_intent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = _plan(capsys, "--at", str(BUY_BAR))
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "cycle 2017-07-05T19:00:00Z  universe BTC/USD"
    assert any(
        line.startswith("  signal    BTC/USD ma_crossover buy confidence ")
        and line.endswith("sma_fast crossed above sma_slow")
        for line in lines
    )
    assert any(" new_trade buy BTC/USD confidence " in line for line in lines)
    intents = [line for line in lines if line.startswith("  intent ")]
    assert len(intents) == 1
    assert " buy 0.01000000 BTC/USD market @ market" in intents[0]
    assert lines[-1].startswith("plan hash ") and len(lines[-1].split()[-1]) == 64


def test_plan_json_hash_equals_the_recomputed_hash_of_its_plan_and_the_text_hash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = _plan(capsys, "--at", str(BUY_BAR), "--format", "json")
    assert code == 0
    payload = json.loads(out)
    plan = structure_plan(payload["plan"])
    assert plan_hash(plan) == payload["plan_hash"]
    assert json.loads(canonical_json(plan)) == payload["plan"]
    assert plan.cycle_ts_ms == BUY_BAR
    assert [(i.side.value, str(i.quantity)) for i in plan.intents] == [("buy", "0.01000000")]
    _, text, _ = _plan(capsys, "--at", str(BUY_BAR))
    assert text.splitlines()[-1] == f"plan hash {payload['plan_hash']}"


def test_the_same_plan_command_twice_gives_the_same_hash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    first = json.loads(_plan(capsys, "--format", "json")[1])
    second = json.loads(_plan(capsys, "--format", "json")[1])
    assert first == second
    # without --at the plan is for the last bar
    assert first["plan"]["cycle_ts_ms"] == 1571302800000


def test_plan_at_a_different_bar_gives_a_different_hash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    at_buy = json.loads(_plan(capsys, "--at", str(BUY_BAR), "--format", "json")[1])
    at_last = json.loads(_plan(capsys, "--format", "json")[1])
    assert at_buy["plan_hash"] != at_last["plan_hash"]


def test_plan_at_before_the_first_bar_exits_2_naming_the_first_bar(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = _plan(capsys, "--at", str(FIRST_BAR - 1))
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    assert err.splitlines()[0] == (
        "error: --at 2017-07-01T10:59:59.999Z is before the first bar of BTC/USD "
        "(2017-07-01T11:00:00Z) @ --at"
    )
    assert err.splitlines()[1].startswith("hint: ")


def _plan_in_subprocess(directory: Path, seed: str) -> dict[str, object]:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "tradekernel.bootstrap.cli",
            "plan",
            "--config",
            str(bundled_blueprint()),
            "--data",
            str(bundled_path()),
            "--at",
            str(BUY_BAR),
            "--format",
            "json",
        ],
        cwd=directory,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    payload: dict[str, object] = json.loads(result.stdout)
    return payload


def test_plan_hashes_are_equal_across_processes_with_different_hash_seeds(
    tmp_path: Path,
) -> None:
    first = _plan_in_subprocess(tmp_path, "0")
    second = _plan_in_subprocess(tmp_path, "4242")
    assert first["plan_hash"] == second["plan_hash"]
    assert first["plan"] == second["plan"]
    # the plan is not trivially empty: it carries the buy intent
    plan = first["plan"]
    assert isinstance(plan, dict) and len(plan["intents"]) == 1


def test_plan_json_carries_the_derived_causality_chain_of_its_intent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    payload = json.loads(_plan(capsys, "--at", str(BUY_BAR), "--format", "json")[1])
    nodes = {node["node_id"]: node for node in payload["causality"]}
    (intent,) = payload["plan"]["intents"]
    walk, kinds = intent["client_order_id"], []
    while walk in nodes:
        kinds.append(nodes[walk]["kind"])
        parents = [p for p in nodes[walk]["parents"] if not p.split(":")[0].endswith("_plan")]
        walk = parents[0] if parents else ""
    assert kinds == ["intent", "directive", "opportunity", "assessment", "bar"]
    bar = next(node for node in payload["causality"] if node["kind"] == "bar")
    assert bar["summary"].startswith("BTC/USD bar at 2017-07-05T19:00:00Z, close ")


def test_plan_at_an_iso_time_is_the_plan_at_its_epoch_ms(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    by_ms = _plan(capsys, "--at", str(BUY_BAR))
    by_iso = _plan(capsys, "--at", "2017-07-05T19:00:00Z")
    by_window = _plan(capsys, "--end", "2017-07-05T20:00")  # the last bar before the end
    assert by_ms[0] == by_iso[0] == by_window[0] == 0
    assert by_ms[1] == by_iso[1] == by_window[1]


@pytest.mark.parametrize(
    ("command", "data_flag"),
    [
        ("backtest", "--data"),
        ("paper", "--replay"),
        ("plan", "--data"),
        ("check-lookahead", "--data"),
    ],
)
def test_every_bar_command_takes_a_time_window_and_refuses_an_empty_one(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: str,
    data_flag: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    code = main(
        [
            command,
            "--config",
            str(bundled_blueprint()),
            data_flag,
            str(bundled_path()),
            "--start",
            "2030-01-01",
            "--end",
            "2031-01-01T00:00:00Z",
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(
        "error: no bar of BTC/USD in 2030-01-01T00:00:00Z .. 2031-01-01T00:00:00Z; "
    )
    assert "covers 2017-07-01T11:00:00Z .. 2019-10-17T09:00:00Z" in err
    assert not (tmp_path / "tradekernel.db").exists()
