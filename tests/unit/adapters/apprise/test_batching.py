"""Notices are batched within a window and messages are rate-limited, nothing dropped."""

from hypothesis import given
from hypothesis import strategies as st

from tradekernel.adapters.apprise.batching import BatchPolicy, NoticeBatcher, message_of
from tradekernel.domain.ports.notifier import NoticeTopic, OperatorNotice


def _notice(text: str, topic: NoticeTopic = NoticeTopic.FILL) -> OperatorNotice:
    return OperatorNotice(topic=topic, at_ms=0, text=text)


def test_notices_within_the_window_leave_as_one_batch() -> None:
    batcher = NoticeBatcher(BatchPolicy(window_ms=1_000, max_messages=10, period_ms=60_000))
    batcher.add(_notice("a"), 0)
    assert batcher.take_due(500) == ()
    batcher.add(_notice("b"), 900)
    batch = batcher.take_due(1_000)
    assert [n.text for n in batch] == ["a", "b"]
    assert batcher.take_due(5_000) == ()


def test_the_rate_limit_delays_and_merges_but_drops_nothing() -> None:
    batcher = NoticeBatcher(BatchPolicy(window_ms=0, max_messages=2, period_ms=60_000))
    sent: list[tuple[OperatorNotice, ...]] = []
    for second in range(5):
        batcher.add(_notice(str(second)), second * 1_000)
        batch = batcher.take_due(second * 1_000)
        if batch:
            sent.append(batch)
    assert [[n.text for n in b] for b in sent] == [["0"], ["1"]]  # the limit: 2 a minute
    assert batcher.queued == 3
    late = batcher.take_due(60_000)  # the first message left the period
    assert [n.text for n in late] == ["2", "3", "4"]


def test_take_all_sends_the_rest_even_when_limited() -> None:
    batcher = NoticeBatcher(BatchPolicy(window_ms=10_000, max_messages=1, period_ms=60_000))
    batcher.add(_notice("x"), 0)
    assert batcher.take_due(1) == ()
    assert [n.text for n in batcher.take_all(2)] == ["x"]
    assert batcher.take_all(3) == ()


@given(st.lists(st.integers(min_value=0, max_value=5_000), min_size=1, max_size=60))
def test_no_more_messages_than_the_limit_in_any_period(gaps: list[int]) -> None:
    policy = BatchPolicy(window_ms=500, max_messages=3, period_ms=10_000)
    batcher = NoticeBatcher(policy)
    now, sent_at, delivered = 0, [], 0
    for gap in gaps:
        now += gap
        batcher.add(_notice("n"), now)
        batch = batcher.take_due(now)
        if batch:
            sent_at.append(now)
            delivered += len(batch)
    delivered += len(batcher.take_all(now + 1))
    assert delivered == len(gaps)
    for i, start in enumerate(sent_at):
        assert sum(1 for t in sent_at[i:] if t - start < policy.period_ms) <= policy.max_messages


def test_a_message_groups_notices_by_topic_with_iso_times() -> None:
    batch = (
        _notice("filled 1"),
        _notice("halted", NoticeTopic.HALT),
        _notice("filled 2"),
    )
    title, body = message_of(batch, lambda ms: f"T{ms}")
    assert title == "tradekernel: 2 fill, 1 halt"
    assert body.splitlines() == ["[fill]", "T0 filled 1", "T0 filled 2", "[halt]", "T0 halted"]
