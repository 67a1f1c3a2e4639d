"""The dashboard's pages over HTTP (no browser): sign-in, the cookie, the panels, health."""

from pathlib import Path

from fastapi.testclient import TestClient
from tests.integration.api.conftest import (
    BACKTEST_RUN,
    CONTROL_TOKEN,
    PAPER_RUN,
    READ_TOKEN,
    app_over,
)

from tradekernel.adapters.api.auth import COOKIE_NAME, ApiTokens
from tradekernel.adapters.sqlite.backoff_store import SqliteBackoffStore
from tradekernel.adapters.sqlite.database import connect
from tradekernel.domain.ports.backoff_store import BackoffRecord


def test_a_signed_out_browser_is_sent_to_the_sign_in_page(
    recorded_db: Path, tokens: ApiTokens
) -> None:
    client = TestClient(app_over(recorded_db, tokens), follow_redirects=False)
    answer = client.get("/runs")
    assert answer.status_code == 303 and answer.headers["location"] == "/login"


def test_a_wrong_token_is_refused_and_a_right_one_sets_a_strict_httponly_cookie(
    recorded_db: Path, tokens: ApiTokens
) -> None:
    client = TestClient(app_over(recorded_db, tokens), follow_redirects=False)
    assert client.post("/login", content="token=nope").status_code == 401
    answer = client.post("/login", content=f"token={READ_TOKEN}")
    assert answer.status_code == 303
    cookie = answer.headers["set-cookie"].lower()
    assert COOKIE_NAME in cookie and "httponly" in cookie and "samesite=strict" in cookie
    assert client.get("/runs").status_code == 200


def test_pages_render_the_runs_the_run_and_the_report(recorded_db: Path, tokens: ApiTokens) -> None:
    client = TestClient(app_over(recorded_db, tokens))
    client.cookies.set(COOKIE_NAME, READ_TOKEN)
    assert BACKTEST_RUN in client.get("/runs").text
    run_page = client.get(f"/runs/{BACKTEST_RUN}").text
    assert 'id="equity-chart"' in run_page and 'class="order"' in run_page
    assert f'href="/runs/{BACKTEST_RUN}/report"' in run_page
    report = client.get(f"/runs/{BACKTEST_RUN}/report")
    assert report.status_code == 200 and "<svg" in report.text
    assert client.get("/static/dashboard.js").status_code == 200


def test_the_read_token_cannot_post_a_control_from_the_dashboard(
    store_copy: Path, tokens: ApiTokens
) -> None:
    client = TestClient(app_over(store_copy, tokens))
    client.cookies.set(COOKIE_NAME, READ_TOKEN)
    assert client.post(f"/bots/{PAPER_RUN}/control", content="action=halt").status_code == 403
    client.cookies.set(COOKIE_NAME, CONTROL_TOKEN)
    answer = client.post(f"/bots/{PAPER_RUN}/control", content="action=halt&reason=test")
    assert answer.status_code == 200 and "halted" in answer.text


def test_health_lists_the_bots_backoffs(store_copy: Path, tokens: ApiTokens) -> None:
    connection = connect(store_copy)
    try:
        SqliteBackoffStore(connection, bot_id=PAPER_RUN).save(
            BackoffRecord(
                symbol="BTC/USDT", failures=2, until_ms=5_000, reason="min notional", updated_ms=1
            )
        )
    finally:
        connection.close()
    client = TestClient(app_over(store_copy, tokens))
    health = client.get(
        f"/api/bots/{PAPER_RUN}/health", headers={"Authorization": f"Bearer {READ_TOKEN}"}
    ).json()
    assert [(b["symbol"], b["failures"]) for b in health["backoffs"]] == [("BTC/USDT", 2)]
    client.cookies.set(COOKIE_NAME, READ_TOKEN)
    assert "min notional" in client.get(f"/bots/{PAPER_RUN}/panel").text
