"""The ccxt clients are closed on every way out of `tradekernel live`, errors included: a
real process's stderr holds the one error line, never "Unclosed client session"."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from tests.integration.ccxt.conftest import API_KEY
from tests.integration.ccxt.fake_binance import Fault
from tests.integration.live.live_venue import LiveFakeBinance, write_config

LIMIT_S = 60.0


def _live(config: Path, secret: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TRADEKERNEL_API_KEY": API_KEY, "TRADEKERNEL_API_SECRET": secret}
    command = ["live", "--config", str(config), "--live", "--max-cycles", "3"]
    return subprocess.run(
        [sys.executable, "-X", "dev", "-m", "tradekernel.bootstrap.cli", *command],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        timeout=LIMIT_S,
    )


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _assert_one_clean_error(result: subprocess.CompletedProcess[str], text: str) -> None:
    assert result.returncode == 1, result.stderr
    assert text in result.stderr
    assert "Unclosed" not in result.stderr and "Traceback" not in result.stderr


def test_an_unreachable_venue(tmp_path: Path) -> None:
    config = write_config(tmp_path, f"http://127.0.0.1:{_closed_port()}")
    _assert_one_clean_error(_live(config, "any"), "ExchangeNotAvailable")


def test_refused_keys(tmp_path: Path, live_venue: LiveFakeBinance) -> None:
    config = write_config(tmp_path, live_venue.base_url)
    _assert_one_clean_error(_live(config, "wrong-secret"), "credentials refused")


def test_a_ban_past_max_ban_wait(tmp_path: Path, live_venue: LiveFakeBinance) -> None:
    config = write_config(tmp_path, live_venue.base_url, extra="max_ban_wait = 0")
    until = time.time_ns() // 1_000_000 + 600_000
    body = {"code": -1003, "msg": f"Way too many requests; IP banned until {until}."}
    live_venue.script(
        Fault(kind="status", status=418, body=body, method="GET", path="/api/v3/klines")
    )
    _assert_one_clean_error(_live(config, os.environ["TRADEKERNEL_API_SECRET"]), "banned")
