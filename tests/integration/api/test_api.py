"""The REST API over a real run store: auth, the read-only token, every documented path."""

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.integration.api.conftest import (
    BACKTEST_RUN,
    CONTROL_TOKEN,
    PAPER_RUN,
    READ_TOKEN,
    app_over,
)

from tradekernel.adapters.api.auth import ApiTokens
from tradekernel.adapters.sqlite.control_store import SqliteControlStore
from tradekernel.adapters.sqlite.database import connect


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def client(recorded_db: Path, tokens: ApiTokens) -> TestClient:
    return TestClient(app_over(recorded_db, tokens))


def test_lists_the_backtest_and_the_paper_run_with_their_summaries(client: TestClient) -> None:
    runs = client.get("/api/runs", headers=_bearer(READ_TOKEN)).json()
    by_id = {run["run_id"]: run for run in runs}
    assert set(by_id) == {BACKTEST_RUN, PAPER_RUN}
    assert by_id[BACKTEST_RUN]["mode"] == "backtest" and by_id[BACKTEST_RUN]["bot_id"] is None
    assert by_id[PAPER_RUN]["bot_id"] == PAPER_RUN
    assert by_id[BACKTEST_RUN]["finished"] is True
    assert "plan_hash" in by_id[BACKTEST_RUN]["summary"]


def test_without_a_token_or_with_a_wrong_one_every_api_path_is_refused(
    client: TestClient,
) -> None:
    for headers in ({}, _bearer("wrong")):
        assert client.get("/api/runs", headers=headers).status_code == 401
        assert client.post("/api/bots/default/halt", json={}, headers=headers).status_code == 401


def test_the_read_only_token_reads_but_cannot_halt(store_copy: Path, tokens: ApiTokens) -> None:
    client = TestClient(app_over(store_copy, tokens))
    assert client.get("/api/bots/default", headers=_bearer(READ_TOKEN)).status_code == 200
    refused = client.post("/api/bots/default/halt", json={}, headers=_bearer(READ_TOKEN))
    assert refused.status_code == 403
    assert client.get("/api/bots/default", headers=_bearer(READ_TOKEN)).json()["state"] == (
        "active"
    )


def test_halt_with_the_control_token_is_recorded_with_who_and_why(
    store_copy: Path, tokens: ApiTokens
) -> None:
    client = TestClient(app_over(store_copy, tokens))
    answer = client.post(
        f"/api/bots/{PAPER_RUN}/halt",
        json={"reason": "exchange maintenance", "who": "alice"},
        headers=_bearer(CONTROL_TOKEN),
    )
    assert answer.status_code == 200 and answer.json()["state"] == "halted"
    connection = connect(store_copy)
    try:
        record = SqliteControlStore(connection).read(PAPER_RUN)
    finally:
        connection.close()
    assert record is not None and record.state.value == "halted"
    assert (record.source, record.reason) == ("api:alice", "exchange maintenance")
    health = client.get(f"/api/bots/{PAPER_RUN}/health", headers=_bearer(READ_TOKEN)).json()
    assert health["run_id"] == PAPER_RUN and health["planned_cycles"] > 0
    equity = client.get(f"/api/runs/{PAPER_RUN}/equity", headers=_bearer(READ_TOKEN)).json()
    assert health["last_cycle_ms"] == equity[-1]["ts_ms"]


def test_explain_walks_from_the_order_back_to_the_bar(client: TestClient) -> None:
    orders = client.get(f"/api/runs/{BACKTEST_RUN}/orders", headers=_bearer(READ_TOKEN)).json()
    assert orders, "the small backtest must trade for this test to mean anything"
    order_id = orders[0]["client_order_id"]
    found = client.get(
        f"/api/orders/{order_id}/explain",
        params={"run_id": BACKTEST_RUN},
        headers=_bearer(READ_TOKEN),
    ).json()
    kinds = {link["kind"] for link in found["chain"]}
    assert found["order"]["client_order_id"] == order_id
    assert {"bar", "directive"} <= kinds


def test_unknown_run_and_order_answer_404(client: TestClient) -> None:
    assert client.get("/api/runs/nope", headers=_bearer(READ_TOKEN)).status_code == 404
    assert client.get("/api/orders/nope/explain", headers=_bearer(READ_TOKEN)).status_code == 404


def test_every_endpoint_of_the_openapi_document_answers(
    store_copy: Path, tokens: ApiTokens
) -> None:
    client = TestClient(app_over(store_copy, tokens))
    document = client.get("/openapi.json").json()
    order_id = client.get(f"/api/runs/{BACKTEST_RUN}/orders", headers=_bearer(READ_TOKEN)).json()[
        0
    ]["client_order_id"]
    values = {
        "run_id": BACKTEST_RUN,
        "bot_id": PAPER_RUN,
        "client_order_id": order_id,
        "action": "reduce",
    }
    answered = []
    for path, operations in sorted(document["paths"].items()):
        url = re.sub(r"\{(\w+)\}", lambda match: values[match.group(1)], path)
        for method in sorted(operations):
            answer = client.request(
                method, url, headers=_bearer(CONTROL_TOKEN), json={} if method == "post" else None
            )
            assert answer.status_code == 200, (method, path, answer.text)
            answered.append((method, path))
    assert ("post", "/api/bots/{bot_id}/{action}") in answered
    assert len(answered) >= 11


def test_without_tokens_configured_access_is_open(recorded_db: Path) -> None:
    client = TestClient(app_over(recorded_db, ApiTokens()))
    assert client.get("/api/runs").status_code == 200
