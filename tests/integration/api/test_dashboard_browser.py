"""The dashboard in headless Chromium: runs list, run page, an order's causality, halt.

`tradekernel serve` runs as a subprocess on 127.0.0.1 and a free port, with both tokens,
over a copy of the recorded store. The browser is Debian's `chromium` (`make test`
installs it where missing); Playwright only drives it and never downloads one.
Screenshots go to `artifacts/dashboard/` (git-ignored), for a person to look at.
"""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.integration.api.conftest import BACKTEST_RUN, CONTROL_TOKEN, PAPER_RUN, READ_TOKEN

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[3] / "artifacts" / "dashboard"
# Every wait is bounded: a server that does not come up fails the test, never hangs it.
STARTUP_SECONDS = 30.0
STEP_MS = 10_000

pytestmark = pytest.mark.skipif(
    not CHROMIUM.is_file(),
    reason=f"{CHROMIUM} is absent: install Debian's chromium (make test does, as root)",
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_listening(port: int, server: "subprocess.Popen[bytes]") -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"serve exited with {server.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"serve did not listen on port {port} within {STARTUP_SECONDS} s")


@pytest.fixture
def served(store_copy: Path) -> Iterator[str]:
    port = _free_port()
    environ = {
        **os.environ,
        "TRADEKERNEL_API_TOKEN": CONTROL_TOKEN,
        "TRADEKERNEL_API_READ_TOKEN": READ_TOKEN,
    }
    command = [sys.executable, "-m", "tradekernel.bootstrap.cli", "serve"]
    server = subprocess.Popen(
        [*command, "--host", "127.0.0.1", "--port", str(port), "--db", str(store_copy)],
        env=environ,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_listening(port, server)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
        assert server.stderr is not None
        server.stderr.close()


@pytest.fixture
def page(served: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS
        )
        try:
            context = browser.new_context(base_url=served, viewport={"width": 1280, "height": 900})
            context.set_default_timeout(STEP_MS)
            yield context.new_page()
        finally:
            browser.close()


def _shot(page: object, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


def _sign_in(page: object, token: str) -> None:
    page.goto("/runs")  # type: ignore[attr-defined]
    page.fill("#token", token)  # type: ignore[attr-defined]
    page.click("#sign-in")  # type: ignore[attr-defined]
    page.wait_for_url("**/runs")  # type: ignore[attr-defined]


def test_runs_list_run_page_and_an_orders_causality_chain(page: object) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    page.goto("/runs")
    expect(page.locator("#token")).to_be_visible()  # signed out: the login form
    _sign_in(page, READ_TOKEN)
    expect(page.locator("#runs")).to_contain_text(BACKTEST_RUN)
    expect(page.locator("#runs")).to_contain_text(PAPER_RUN)
    _shot(page, "runs")
    page.click(f"a.run-link[href='/runs/{BACKTEST_RUN}']")
    expect(page.locator("h1")).to_have_text(f"Run {BACKTEST_RUN}")
    expect(page.locator("#equity-chart polyline")).to_have_count(1)
    first = page.locator("tr.order").first
    order_id = first.get_attribute("data-order")
    assert order_id
    first.click()
    explanation = page.locator(f"#explanation .explain[data-order='{order_id}']")
    expect(explanation).to_be_visible()
    expect(explanation.locator(".chain li").first).to_contain_text("intent")
    expect(explanation).to_contain_text("bar")
    _shot(page, "run_with_explanation")
    page.click("#report-link")
    expect(page.locator("h1")).to_be_visible()
    # The `--out` page: Plotly drew the candles, equity against buy and hold, drawdown.
    expect(page.locator(".js-plotly-plot")).to_have_count(3)
    first_traces = "[...document.querySelectorAll('.js-plotly-plot')].map(p => p.data[0].type)"
    drawn = page.evaluate(first_traces)
    assert drawn == ["candlestick", "scatter", "scatter"]
    expect(page.locator("#monthly-returns")).to_be_visible()
    _shot(page, "report")
    for name in ("runs", "run_with_explanation", "report"):
        assert (ARTIFACTS / f"{name}.png").stat().st_size > 0


def test_pressing_halt_and_confirming_changes_the_bots_state(page: object) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    _sign_in(page, CONTROL_TOKEN)
    page.goto(f"/bots/{PAPER_RUN}")
    state = page.locator("#bot-state")
    expect(state).to_have_text("active")
    page.fill("#reason", "browser test")
    dialogs: list[str] = []

    def accept(dialog: object) -> None:
        dialogs.append(dialog.message)  # type: ignore[attr-defined]
        dialog.accept()  # type: ignore[attr-defined]

    page.on("dialog", accept)
    page.click("#halt")
    expect(state).to_have_text("halted")
    expect(page.locator("#bot-panel")).to_contain_text("set by dashboard")
    expect(page.locator("#bot-panel")).to_contain_text("reason: browser test")
    assert dialogs and dialogs[0].startswith(f"Halt bot {PAPER_RUN}?")
    _shot(page, "bot_halted")


def test_the_read_only_token_sees_no_controls(page: object) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    _sign_in(page, READ_TOKEN)
    page.goto(f"/bots/{PAPER_RUN}")
    expect(page.locator("#bot-state")).to_have_text("active")
    expect(page.locator("#halt")).to_have_count(0)
