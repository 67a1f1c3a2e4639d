"""The fate of an order the venue may not hold: never cancelled as if working, resolved by a
lookup by client id within the grace, and said once in the operator's log."""

from decimal import Decimal

import pytest
from tests.fakes.execution import Outcome
from tests.unit.orchestration.live.live_fixtures import Live, intent

from tradekernel.domain.blueprint import ExecutionPolicy
from tradekernel.domain.enums import OrderStatus
from tradekernel.domain.orders import Order
from tradekernel.domain.ports.order_store import OrderEvent
from tradekernel.orchestration.live.order_notices import NoticeKind, NoticeLog, count, count_line
from tradekernel.orchestration.live.telemetry import LiveTelemetry
from tradekernel.orchestration.oms.order_payload import read_detail

S = OrderStatus
GRACE_MS = 60_000  # the OMS's default ambiguous grace


def _kinds(live: Live, coid: str) -> list[OrderStatus]:
    return [event.kind for event in live.store.events_for(coid)]


def _cancels(live: Live, coid: str) -> int:
    return sum(1 for c in live.venue.calls if (c.method, c.client_order_id) == ("cancel", coid))


def _watched(live: Live) -> NoticeLog:
    log = NoticeLog()
    live.oms.watch(log.on_event)
    return log


def test_cancel_of_an_ambiguous_order_the_venue_lacks_sends_nothing_then_never_placed() -> None:
    live = Live()
    live.venue.script(Outcome.AMBIGUOUS_NOT_PLACED)
    live.oms.submit(intent("tkA"))
    assert live.oms.cancel("tkA").status is S.SUBMIT_AMBIGUOUS
    assert _cancels(live, "tkA") == 0 and S.CANCEL_REQUESTED not in _kinds(live, "tkA")
    live.clock.advance(GRACE_MS)
    state = live.oms.cancel("tkA")
    assert state.status is S.LOST and "never placed" in state.detail
    assert _cancels(live, "tkA") == 0


def test_cancel_of_an_ambiguous_order_the_venue_holds_finds_it_then_cancels_it() -> None:
    live = Live()
    live.venue.script(Outcome.AMBIGUOUS_PLACED)
    assert live.oms.submit(intent("tkA")).status is S.ACCEPTED  # found by the first lookup
    live.venue.script(Outcome.AMBIGUOUS_PLACED)
    live.oms.submit(intent("tkB"))
    assert live.oms.cancel("tkB").status is S.CANCELLED
    assert _kinds(live, "tkB")[-2:] == [S.CANCEL_REQUESTED, S.CANCELLED]


def test_the_fold_refuses_a_cancel_request_on_an_ambiguous_order() -> None:
    live = Live()
    live.venue.script(Outcome.AMBIGUOUS_NOT_PLACED)
    live.oms.submit(intent("tkA"))
    live.store.append(OrderEvent(client_order_id="tkA", kind=S.CANCEL_REQUESTED, ts_ms=1))
    live.oms.rebuild()
    state = live.oms.order("tkA")
    assert state is not None and state.status is S.SUBMIT_AMBIGUOUS
    assert [a.code for a in live.oms.anomalies] == ["illegal_transition"]


def test_entry_timeout_never_cancels_an_ambiguous_entry_and_it_ends_never_placed() -> None:
    live = Live(policy=ExecutionPolicy(entry_timeout_ms=1_000))
    log = _watched(live)
    live.venue.script(Outcome.AMBIGUOUS_NOT_PLACED)
    live.supervisor.submit(intent("tkA"))
    for _ in range(3):
        live.clock.advance(GRACE_MS // 3)
        live.supervisor.poll(cancels_allowed=True)
    assert _cancels(live, "tkA") == 0
    assert _kinds(live, "tkA") == [S.CREATED, S.SUBMIT_AMBIGUOUS, S.LOST]
    assert [n.kind for n in log.take()] == [NoticeKind.AMBIGUOUS, NoticeKind.NEVER_PLACED]
    assert live.supervisor.poll(cancels_allowed=True) == ()  # nothing blocks the symbol


def test_a_cancel_answered_unknown_is_looked_up_once_and_never_sent_again() -> None:
    live = Live(policy=ExecutionPolicy(entry_timeout_ms=1_000))
    log = _watched(live)
    live.supervisor.submit(intent("tkA"))
    live.venue.forget("tkA")
    live.clock.advance(1_000)
    for _ in range(4):
        live.supervisor.poll(cancels_allowed=True)
        live.clock.advance(1_000)
    assert _cancels(live, "tkA") == 1  # no loop
    events = live.store.events_for("tkA")
    assert [e.kind for e in events][-2:] == [S.CANCEL_REQUESTED, S.VENUE_CHECK]
    assert read_detail(events[-1].payload, "seen") == "false"
    assert "unknown order" in (read_detail(events[-1].payload, "reason") or "")
    (unseen,) = [n for n in log.take() if n.kind is NoticeKind.UNSEEN]
    assert "cancel answered unknown order" in unseen.line()
    # Reconciliation settles it within its bound (3 passes over 300 s by default).
    for _ in range(3):
        live.reconciler.reconcile(live.clock.now_ms())
        live.clock.advance(150_000)
    state = live.oms.order("tkA")
    assert state is not None and state.status is S.LOST
    assert [n.kind for n in log.take()][-1] is NoticeKind.GONE


def test_a_cancel_answered_unknown_but_found_by_lookup_records_what_was_found() -> None:
    live = Live()
    live.oms.submit(intent("tkA"))
    live.venue.fill("tkA", Decimal(1), Decimal(100))
    order = live.venue.forget("tkA")
    venue_cancel = live.venue.cancel

    def cancel_then_lookup_lags_back(symbol: str, client_order_id: str) -> Order:
        try:
            return venue_cancel(symbol, client_order_id)
        finally:
            live.venue.reinstate(order)  # the lookup sees what the cancel did not

    live.venue.cancel = cancel_then_lookup_lags_back  # type: ignore[method-assign]
    state = live.oms.cancel("tkA")
    assert state.status is S.FILLED and state.unseen_passes == 0
    assert _kinds(live, "tkA")[-2:] == [S.CANCEL_REQUESTED, S.FILLED]


def test_stored_but_never_sent_is_settled_never_placed_with_a_warning_notice() -> None:
    live = Live()
    log = _watched(live)
    live.venue.script(Outcome.TRANSIENT, Outcome.TRANSIENT, Outcome.TRANSIENT)
    assert live.oms.submit(intent("tkR")).status is S.REJECTED
    assert [r[0] for r in live.oms.retries] == ["tkR", "tkR"]  # 3 attempts, 2 retries
    live.store.append(
        OrderEvent(
            client_order_id="tkC",
            kind=S.CREATED,
            ts_ms=live.clock.now_ms(),
            payload=live.store.events_for("tkR")[0].payload.replace("tkR", "tkC"),
        )
    )
    live.oms.rebuild()  # a restart after a crash between store and send
    live.clock.advance(GRACE_MS)
    live.reconciler.reconcile(live.clock.now_ms())
    (notice,) = log.take()
    assert notice.kind is NoticeKind.NEVER_PLACED and notice.level == "warning"
    assert "stored but never sent" in notice.line() and notice.client_order_id == "tkC"


def test_an_order_found_after_an_ambiguous_submit_is_an_info_notice() -> None:
    live = Live()
    log = _watched(live)
    live.venue.script(Outcome.AMBIGUOUS_PLACED)
    live.oms.submit(intent("tkA"))
    kinds = [(n.kind, n.level) for n in log.take()]
    assert kinds == [(NoticeKind.AMBIGUOUS, "warning"), (NoticeKind.FOUND, "info")]


def test_counts_list_every_kind_and_the_telemetry_summary_keeps_them() -> None:
    log = NoticeLog()
    log.add(NoticeKind.RETRY, "tkA", "submit attempt 2")
    log.add(NoticeKind.RETRY, None, "open orders: busy")
    log.add(NoticeKind.CANCEL_FAILED, "tkB", "rejected")
    taken = log.take()
    assert log.take() == ()
    counts = count(taken)
    assert list(counts) == [kind.value for kind in NoticeKind]
    assert (counts["retry"], counts["cancel_failed"], counts["gone"]) == (2, 1, 0)
    assert "retry=2" in count_line(counts) and "lost_ack=0" in count_line(counts)

    class NullJournal:
        pass

    telemetry = LiveTelemetry(journal=NullJournal(), run_id="r", quote="USDT")  # type: ignore[arg-type]
    telemetry.count_notices(taken)
    telemetry.count_notices(taken[:1])
    assert telemetry.summary(Decimal(0))["order_events"] == {**counts, "retry": 3}


@pytest.mark.parametrize("kind", list(NoticeKind))
def test_every_notice_line_names_its_level_and_kind(kind: NoticeKind) -> None:
    log = NoticeLog()
    log.add(kind, "tkA", "detail")
    (notice,) = log.take()
    assert notice.line().split()[:3] == [notice.level, f"{kind.value}:", "order"]
