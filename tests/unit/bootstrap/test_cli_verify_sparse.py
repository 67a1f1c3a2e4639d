"""`tradekernel backtest --verify-sparse`: agreement on honest blueprints, the bar of a lie."""

import re
from pathlib import Path

import numpy as np
import pytest

from tradekernel.adapters.data.bundled import bundled_path
from tradekernel.bootstrap.cli import main

FIXTURES = Path(__file__).parent / "plugins_fixture"


@pytest.fixture
def bars(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Make `plugins_fixture` importable and write 2000 real bars to `bars.csv`."""
    monkeypatch.syspath_prepend(str(FIXTURES.parent))
    monkeypatch.chdir(tmp_path)
    rows = bundled_path().read_text().splitlines()[:2001]
    path = tmp_path / "bars.csv"
    path.write_text("\n".join(rows) + "\n")
    return path


def _first_sale(path: Path) -> int:
    # Independently of the kernel: the first downward zero cross of the 24-bar rate of
    # change after the first upward one (the first bar the fixture sells while holding).
    table = np.loadtxt(path, delimiter=",", skiprows=1)
    ts, close = table[:, 0].astype(np.int64), table[:, 4]
    roc = np.full(len(close), np.nan)
    roc[24:] = close[24:] / close[:-24] - 1.0
    before = np.concatenate(([np.nan], roc[:-1]))
    first_buy = np.flatnonzero((before <= 0.0) & (roc > 0.0))[0]
    sales = np.flatnonzero((before >= 0.0) & (roc < 0.0))
    return int(ts[sales[sales > first_buy][0]])


def test_the_bundled_example_agrees_and_prints_the_plain_runs_plan_hash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["backtest", "--quiet", "--verify-sparse"]) == 0
    verified = capsys.readouterr().out
    assert not (tmp_path / "tradekernel.db").exists()  # a check records nothing
    assert main(["backtest", "--quiet"]) == 0
    plain = re.search(
        r"^plans    (\d+) recorded, run plan hash (\w+)$", capsys.readouterr().out, re.M
    )
    assert plain is not None
    assert f"dense and sparse agree: {plain[1]} plans, run plan hash {plain[2]}" in verified
    assert re.search(r"^verify   kernel called on 20111 bars dense, \d+ sparse$", verified, re.M)


def test_a_user_plugin_that_keeps_its_mask_agrees(
    bars: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = str(FIXTURES / "roc_cross.toml")
    code = main(
        ["backtest", "--quiet", "--verify-sparse", "--config", config, "--data", "bars.csv"]
    )
    assert code == 0
    assert "dense and sparse agree: " in capsys.readouterr().out


def test_a_mask_that_hides_its_sales_is_named_at_the_first_sale(
    bars: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = str(FIXTURES / "lying_roc.toml")
    code = main(
        ["backtest", "--quiet", "--verify-sparse", "--config", config, "--data", "bars.csv"]
    )
    assert code == 1
    out = capsys.readouterr().out
    sale = _first_sale(bars)
    assert sale == 1499220000000
    assert (
        f"dense and sparse differ first at 2017-07-05T02:00:00Z (epoch ms {sale}, BTC/USD): "
        "a plan only the dense run made (hash "
    ) in out


def test_verify_sparse_and_dense_are_exclusive(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as raised:
        main(["backtest", "--dense", "--verify-sparse"])
    assert raised.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err
