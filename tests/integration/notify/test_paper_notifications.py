"""A paper run notifies a loopback apprise `json://` webhook: fills and the halt, no secret.

A scripted operator halts the bot after some cycles through the control store (as
`tradekernel control halt` would), with a reason that carries the venue key: the
redaction must keep the key out of every message that reaches the receiver.
"""

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import attrs
import pytest
from dependency_injector import providers
from tests.integration.backtest.backtest_blueprints import (
    SMA_CROSS_BTC,
    kernel_for,
    load_text,
    toml_list,
)

from tradekernel.adapters.data.loader import load_bars
from tradekernel.bootstrap.container import configured
from tradekernel.bootstrap.notifications import NOTIFY_URLS_ENV, build_notifier
from tradekernel.bootstrap.paper_job import run_paper
from tradekernel.bootstrap.wiring import RunStores
from tradekernel.domain.enums import TradingState
from tradekernel.domain.ports.control_store import ControlRecord, ControlStore

ETH_BTC = Path(__file__).resolve().parents[2] / "data" / "binance_ETH-BTC_1h.csv"
FAKE_KEY = "fakeKEY0123456789abcdef"
HALT_AFTER_READS = 400


class _Receiver(BaseHTTPRequestHandler):
    received: list[dict[str, str]]

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        self.received.append(json.loads(self.rfile.read(length)))
        self.send_response(200)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:  # keep pytest output clean
        return


@pytest.fixture
def receiver() -> Iterator[tuple[int, list[dict[str, str]]]]:
    received: list[dict[str, str]] = []
    handler = type("Handler", (_Receiver,), {"received": received})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], received
    finally:
        server.shutdown()
        server.server_close()


class _OperatorHaltsLater:
    """The run's control store, until an operator halts the bot after some cycles."""

    def __init__(self, inner: ControlStore) -> None:
        self.inner = inner
        self.reads = 0

    def read(self, bot_id: str) -> ControlRecord | None:
        self.reads += 1
        if self.reads == HALT_AFTER_READS:
            reason = f"operator: venue key {FAKE_KEY} may have leaked"
            self.inner.write(
                ControlRecord(
                    bot_id=bot_id,
                    state=TradingState.HALTED,
                    reason=reason,
                    updated_ms=0,
                    source="cli",
                )
            )
        return self.inner.read(bot_id)

    def write(self, record: ControlRecord) -> None:
        self.inner.write(record)


def test_paper_run_notifies_fills_and_the_halt_without_the_key(
    tmp_path: Path, receiver: tuple[int, list[dict[str, str]]]
) -> None:
    port, received = receiver
    environ = {NOTIFY_URLS_ENV: f"json://127.0.0.1:{port}/", "TRADEKERNEL_API_KEY": FAKE_KEY}
    notifier = build_notifier(environ)
    assert notifier is not None
    blueprint = load_text(
        tmp_path, "sma", SMA_CROSS_BTC.format(symbols=toml_list(["ETH/BTC"]), quantity="10")
    )
    container = configured(mode="paper", db_path=tmp_path / "run.db")
    container.blueprint.override(providers.Object(blueprint))
    container.kernel.override(providers.Object(kernel_for(blueprint)))
    parts = container.recorded_run_parts()

    def open_stores() -> RunStores:
        stores = parts.open_stores()
        return attrs.evolve(stores, control=_OperatorHaltsLater(stores.control))

    try:
        outcome = run_paper(
            attrs.evolve(parts, open_stores=open_stores),
            [load_bars(ETH_BTC, "ETH/BTC")],
            out_dir=None,
            progress_stream=None,
            notifier=notifier,
        )
    finally:
        container.shutdown_resources()

    assert outcome.result.closed_trades, (
        "the run must trade before the halt for this test to mean anything"
    )
    text = "\n".join(f"{m['title']}\n{m['message']}" for m in received)
    assert received, "no message reached the webhook"
    assert "[fill]" in text
    assert "filled: buy ETH/BTC" in text
    assert "[halt]" in text
    assert "trading state halted (set by cli)" in text
    assert "venue key *** may have leaked" in text
    assert FAKE_KEY not in text
    assert f"127.0.0.1:{port}" not in text
