"""A run that cannot trade as configured says so before it starts (exit 2, the cause named).

`config validate` runs the same checks, so "valid" means a backtest will start.
"""

import json
from pathlib import Path

import pytest

from tradekernel.adapters.data.bundled import bundled_path
from tradekernel.bootstrap.blueprints import bundled_blueprint
from tradekernel.bootstrap.cli import main
from tradekernel.bootstrap.factories import ccxt_settings
from tradekernel.domain.errors import ConfigError

EXAMPLE = bundled_blueprint().read_text(encoding="utf-8")
STRATEGY_QUANTITY = 'order_type = "market"\nquantity = "0.01"\n'
SIZE_TABLE = '[[planners.size]]\ntype = "fixed_quantity"\nquantity = "0.01"\n'


def _blueprint(tmp_path: Path, *edits: tuple[str, str]) -> Path:
    text = EXAMPLE
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "blueprint.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _refused(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert [line for line in err.splitlines() if line.startswith("error:")] == [err.splitlines()[0]]
    return err.splitlines()[0]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'starting_cash = "100000"',
            'starting_cash = "-5"',
            "error: account.starting_cash must be a finite decimal >= 0, got -5 "
            "@ account.starting_cash @ ",
        ),
        (
            'taker = "0.001"',
            'taker = "10"',
            "error: fees.taker is a fraction of notional (< 1), got 10 @ fees.taker @ ",
        ),
        (
            'timeframe = "1h"',
            'timeframe = "banana"',
            "error: unknown timeframe 'banana' (known: 1m, 3m, 5m, 15m, 30m, 1h, 2h, 4h, 6h, "
            "8h, 12h, 1d, 3d, 1w) @ blueprint.timeframe @ ",
        ),
    ],
)
def test_config_validate_refuses_what_a_backtest_would_refuse_naming_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, message: str
) -> None:
    path = _blueprint(tmp_path, (old, new))
    assert _refused(capsys, ["config", "validate", str(path)]) == f"{message}{path}"
    data = ["--data", str(bundled_path()), "--db", str(tmp_path / "runs.db"), "--quiet"]
    assert _refused(capsys, ["backtest", "--config", str(path), *data]) == f"{message}{path}"
    assert not (tmp_path / "runs.db").exists()


def test_a_mistyped_key_and_plugin_type_get_a_did_you_mean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _blueprint(tmp_path, ("slippage_bps", "slipage_bps"))
    assert main(["config", "validate", str(path)]) == 2
    assert "unknown keys: slipage_bps (did you mean 'slippage_bps'?) @ fees" in (
        capsys.readouterr().err
    )
    path = _blueprint(tmp_path, ('type = "immediate"', 'type = "imediate"'))
    line = _refused(capsys, ["config", "validate", str(path)])
    assert "unknown routing type 'imediate' (did you mean 'immediate'?)" in line


def test_a_blueprint_without_a_size_planner_or_quantity_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _blueprint(tmp_path, (STRATEGY_QUANTITY, 'order_type = "market"\n'), (SIZE_TABLE, ""))
    line = _refused(capsys, ["config", "validate", str(path)])
    assert line.startswith("error: no size planner: strategy planner 'weighted' sets no quantity")
    assert line.endswith(f"@ strategy.planners[0] @ {path}")
    # Either a size planner or the strategy's own quantity makes it tradable again.
    assert main(["config", "validate", str(_blueprint(tmp_path, (SIZE_TABLE, "")))]) == 0


def test_allow_short_on_a_spot_blueprint_is_a_config_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _blueprint(tmp_path, ('w_weak = "0"\n', 'w_weak = "0"\nallow_short = true\n'))
    line = _refused(capsys, ["config", "validate", str(path)])
    assert line.startswith("error: allow_short = true needs a market that can short")
    assert line.endswith(f"@ strategy.planners[0].allow_short @ {path}")


@pytest.mark.parametrize("lists", [["--allow", "DOGE/USD"], ["--deny", "BTC/USD"]])
def test_allow_or_deny_lists_that_empty_the_universe_are_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lists: list[str]
) -> None:
    db = tmp_path / "runs.db"
    line = _refused(capsys, ["backtest", "--quiet", "--db", str(db), *lists])
    assert line.startswith(f"error: the universe is empty: BTC/USD after {lists[0][2:]} ")
    assert not db.exists()


def test_an_indicator_warm_up_longer_than_the_data_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = bundled_path().read_text(encoding="utf-8").splitlines()[:41]
    data = tmp_path / "short.csv"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path = _blueprint(tmp_path, ("period = 30", "period = 50"))
    db = tmp_path / "runs.db"
    argv = ["backtest", "--config", str(path), "--data", str(data), "--db", str(db)]
    line = _refused(capsys, argv)
    assert line == (
        f"error: {data}: context worker 'sma_slow' needs 50 bars before its first value "
        "(warm-up 49), the data has 40: give more bars or a shorter period"
    )
    assert not db.exists()


def test_skipped_intents_are_counted_in_the_terminal_and_summary_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A quantity below the step size: every entry rounds to zero and is skipped.
    tiny = 'quantity = "0.000000001"\n'
    path = _blueprint(
        tmp_path,
        (STRATEGY_QUANTITY, f'order_type = "market"\n{tiny}'),
        (SIZE_TABLE, ""),
    )
    out_dir = tmp_path / "out"
    argv = ["backtest", "--config", str(path), "--data", str(bundled_path()), "--quiet"]
    assert main([*argv, "--db", str(tmp_path / "runs.db"), "--out", str(out_dir)]) == 0
    out = capsys.readouterr().out
    (line,) = [line for line in out.splitlines() if line.startswith("skipped  ")]
    summary = json.loads((out_dir / "summary.json").read_text(encoding="utf-8"))
    skipped = summary["skipped_intents"]
    total = skipped["total"]
    assert total > 0
    assert skipped["by_reason"] == {"qty_rounds_to_zero": total}
    assert skipped["most_frequent"] == "qty_rounds_to_zero"
    assert skipped["most_frequent_words"].startswith("the quantity rounds to zero")
    assert line.startswith(
        f"skipped  {total:,} intents, most often qty_rounds_to_zero ({total:,}): the quantity "
        "rounds to zero"
    )


def test_a_run_that_skips_nothing_has_no_skip_line_and_zero_in_summary_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_dir = tmp_path / "out"
    assert main(["backtest", "--quiet", "--db", str(tmp_path / "r.db"), "--out", str(out_dir)]) == 0
    assert "skipped  " not in capsys.readouterr().out
    summary = json.loads((out_dir / "summary.json").read_text(encoding="utf-8"))
    assert summary["skipped_intents"] == {
        "by_reason": {},
        "most_frequent": None,
        "most_frequent_words": None,
        "total": 0,
    }


@pytest.mark.parametrize(
    ("at", "message"),
    [
        (
            "1499281200001",
            "error: --at 2017-07-05T19:00:00.001Z falls between bars of BTC/USD "
            "(2017-07-05T19:00:00Z and 2017-07-05T20:00:00Z); give the time of a bar @ --at",
        ),
        (
            "1999281200000",
            "error: --at 2033-05-09T19:53:20Z is after the last bar of BTC/USD "
            "(2019-10-17T09:00:00Z) @ --at",
        ),
    ],
)
def test_plan_at_after_the_data_or_between_bars_is_an_error(
    capsys: pytest.CaptureFixture[str], at: str, message: str
) -> None:
    argv = ["plan", "--config", str(bundled_blueprint()), "--data", str(bundled_path())]
    assert _refused(capsys, [*argv, "--at", at]) == message


def test_a_ccxt_market_type_the_adapter_does_not_know_is_a_config_error() -> None:
    with pytest.raises(ConfigError) as caught:
        ccxt_settings({"exchange": "kraken", "market_type": "futures"}, ["BTC/USD"])
    assert caught.value.path == "ccxt"
