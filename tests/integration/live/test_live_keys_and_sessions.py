"""Keys only with --live: a dry run without them reads public data and trades on paper; a
live start without them is refused. A refused start uses up no session number."""

from pathlib import Path

import pytest
from tests.integration.live.live_venue import LiveFakeBinance, write_config
from tests.integration.live.test_live_startup_orphans import _place_orphan

from tradekernel.adapters.sqlite.database import connect
from tradekernel.adapters.sqlite.run_reader import SqliteRunReader
from tradekernel.bootstrap.cli import main


@pytest.fixture
def no_keys(monkeypatch: pytest.MonkeyPatch, live_venue: LiveFakeBinance) -> LiveFakeBinance:
    monkeypatch.delenv("TRADEKERNEL_API_KEY")
    monkeypatch.delenv("TRADEKERNEL_API_SECRET")
    return live_venue


def test_a_dry_run_without_keys_reads_public_data_and_plans(
    tmp_path: Path, no_keys: LiveFakeBinance, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, no_keys.base_url)
    assert main(["live", "--config", str(config), "--max-cycles", "2"]) == 0
    out = capsys.readouterr()
    assert "dry run: paper fills" in out.out and "error" not in out.err
    assert {r.path for r in no_keys.requests} == {"/api/v3/exchangeInfo", "/api/v3/klines"}
    reader = SqliteRunReader(connect(tmp_path / "bot-dry.db"))
    (run_id,) = reader.run_ids()
    assert len(reader.plans(run_id)) == 1


def test_a_live_start_without_keys_is_refused_naming_the_variables(
    tmp_path: Path, no_keys: LiveFakeBinance, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, no_keys.base_url)
    assert main(["live", "--config", str(config), "--live", "--max-cycles", "1"]) == 2
    assert "TRADEKERNEL_API_KEY" in capsys.readouterr().err
    assert no_keys.requests == []


def test_a_refused_start_uses_up_no_session_number(
    tmp_path: Path, live_venue: LiveFakeBinance
) -> None:
    _place_orphan(live_venue)
    config = write_config(tmp_path, live_venue.base_url)
    assert main(["live", "--config", str(config), "--live", "--max-cycles", "1"]) == 1
    assert SqliteRunReader(connect(tmp_path / "bot.db")).run_ids() == ()
    argv = ["live", "--config", str(config), "--live", "--max-cycles", "1", "--orphans", "adopt"]
    assert main(argv) == 0
    (run_id,) = SqliteRunReader(connect(tmp_path / "bot.db")).run_ids()
    assert run_id.endswith("-s1")
