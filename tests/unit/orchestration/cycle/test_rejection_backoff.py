import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.fakes.backoff_store import FakeBackoffStore

from tradekernel.orchestration.cycle.backoff import RejectionBackoff, cooldown_ms


@given(st.integers(1, 200), st.integers(0, 10**7), st.integers(0, 10**9))
def test_cooldown_doubles_until_the_cap(failures: int, base: int, extra: int) -> None:
    cap = base + extra
    naive = base
    for _ in range(failures - 1):
        naive = min(naive * 2, cap * 4)  # never needs more than the cap
    assert cooldown_ms(failures, base_ms=base, max_ms=cap) == min(naive, cap)


def test_consecutive_rejections_lengthen_the_cooldown_and_success_resets_it() -> None:
    store = FakeBackoffStore()
    backoff = RejectionBackoff(store=store, base_ms=1_000, max_ms=5_000)
    now = 1_000_000
    assert backoff.rejected("BTC/USDT", now, "min notional").until_ms == 1_001_000
    assert backoff.rejected("BTC/USDT", now, "again").until_ms == 1_002_000
    assert backoff.rejected("BTC/USDT", now, "again").until_ms == 1_004_000
    assert backoff.rejected("BTC/USDT", now, "again").until_ms == 1_005_000
    assert backoff.until(now) == {"BTC/USDT": 1_005_000}
    assert store.rows["BTC/USDT"].failures == 4  # written through
    backoff.accepted("BTC/USDT")
    assert backoff.until(now) == {}
    assert store.rows == {}


def test_cooldown_survives_a_restart_through_the_store() -> None:
    store = FakeBackoffStore()
    RejectionBackoff(store=store, base_ms=60_000, max_ms=600_000).rejected("ETH/USDT", 0)
    restarted = RejectionBackoff(store=store, base_ms=60_000, max_ms=600_000)
    assert restarted.until(0) == {"ETH/USDT": 60_000}
    assert restarted.rejected("ETH/USDT", 0, "again").failures == 2
    assert restarted.until(600_000) == {}  # expired cooldowns are not handed to the kernel


def test_without_a_store_the_backoff_lives_in_memory_and_runs_in_the_given_time() -> None:
    backoff = RejectionBackoff(base_ms=1_000, max_ms=1_000)
    backoff.rejected("A", 5_000)
    assert backoff.until(5_999) == {"A": 6_000}
    assert backoff.until(6_000) == {}


def test_a_base_above_the_maximum_is_refused() -> None:
    with pytest.raises(ValueError, match="base_ms <= max_ms"):
        RejectionBackoff(base_ms=2, max_ms=1)
