"""The dashboard's report of a run is the page that run's `--out` wrote.

One backtest writes its `--out` report and records itself in a store; the dashboard then
rebuilds the report from the store and the data file the run recorded. Same sections,
same header, same figures (every Plotly call, its traces and their data); when the data
file is gone the page still shows, without candles, and says why.
"""

import re
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.integration.api.conftest import BARS, BREAKOUT, READ_TOKEN, app_over

from tradekernel.adapters.api.auth import ApiTokens
from tradekernel.bootstrap.cli import main

RUN = "bt-report"
# plotly names each chart's div with a fresh uuid; everything else is drawn from the data.
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_FIGURE = re.compile(r"Plotly\.newPlot\(.*?\)\s*};?", re.DOTALL)
_SECTION = re.compile(r'<h2 id="([^"]+)"')
_TABLE = re.compile(r'<table class="(identity|stats|monthly)">.*?</table>', re.DOTALL)

pytest.importorskip("plotly")


def _figures(page: str) -> list[str]:
    return [_UUID.sub("ID", call) for call in _FIGURE.findall(page)]


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    root = tmp_path_factory.mktemp("report")
    bars = root / "bars.csv"
    shutil.copyfile(BARS, bars)
    db, out = root / "runs.db", root / "out"
    command = ["backtest", "--config", str(BREAKOUT), "--data", str(bars), "--db", str(db)]
    assert main([*command, "--run-id", RUN, "--out", str(out), "--quiet"]) == 0
    return db, out / "report.html", bars


def _dashboard_report(db: Path, tokens: ApiTokens) -> str:
    client = TestClient(app_over(db, tokens))
    client.cookies.set("tradekernel_token", READ_TOKEN)
    response = client.get(f"/runs/{RUN}/report")
    assert response.status_code == 200
    return response.text


def test_the_dashboard_report_is_the_out_report(
    recorded: tuple[Path, Path, Path], tokens: ApiTokens
) -> None:
    db, out_report, _ = recorded
    written = out_report.read_text(encoding="utf-8")
    shown = _dashboard_report(db, tokens)
    assert _SECTION.findall(shown) == _SECTION.findall(written)
    assert "charts" in _SECTION.findall(shown)
    figures = _figures(shown)
    assert len(figures) == 3  # the BTC/USDT candles, equity against buy and hold, drawdown
    assert '"type":"candlestick"' in figures[0]
    assert figures == _figures(written)
    assert _TABLE.findall(shown) == _TABLE.findall(written)
    assert re.findall(r"<table class=.*?</table>", shown, re.DOTALL)[0] in written


def test_a_gone_data_file_leaves_the_candles_out_with_a_note(
    recorded: tuple[Path, Path, Path], tokens: ApiTokens
) -> None:
    db, _, bars = recorded
    bars.rename(bars.with_suffix(".moved"))
    try:
        shown = _dashboard_report(db, tokens)
    finally:
        bars.with_suffix(".moved").rename(bars)
    figures = _figures(shown)
    assert len(figures) == 2
    assert all('"type":"candlestick"' not in figure for figure in figures)
    assert "price charts left out: data file of BTC/USDT" in shown
    assert "is missing" in shown
