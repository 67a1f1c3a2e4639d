from hypothesis import given
from hypothesis import strategies as st
from tests.fakes.clock import FakeClock

from tradekernel.domain.ports.backoff_store import BackoffRecord
from tradekernel.orchestration.live.backoff import RejectionBackoff, cooldown_ms


class MemoryBackoffStore:
    def __init__(self) -> None:
        self.rows: dict[str, BackoffRecord] = {}

    def load(self) -> list[BackoffRecord]:
        return [self.rows[s] for s in sorted(self.rows)]

    def save(self, record: BackoffRecord) -> None:
        self.rows[record.symbol] = record

    def clear(self, symbol: str) -> None:
        self.rows.pop(symbol, None)


@given(st.integers(1, 200), st.integers(1, 10**7), st.integers(1, 10**9))
def test_cooldown_doubles_until_the_cap(failures: int, base: int, cap: int) -> None:
    naive = base
    for _ in range(failures - 1):
        naive = min(naive * 2, cap * 4)  # never needs more than the cap
    assert cooldown_ms(failures, base_ms=base, max_ms=cap) == min(naive, cap)


def test_consecutive_rejections_lengthen_the_cooldown_and_success_resets_it() -> None:
    clock, store = FakeClock(start_ms=1_000_000), MemoryBackoffStore()
    backoff = RejectionBackoff(store=store, clock=clock, base_ms=1_000, max_ms=5_000)
    assert backoff.record_rejection("BTC/USDT", "min notional").until_ms == 1_001_000
    assert backoff.record_rejection("BTC/USDT", "again").until_ms == 1_002_000
    assert backoff.record_rejection("BTC/USDT", "again").until_ms == 1_004_000
    assert backoff.record_rejection("BTC/USDT", "again").until_ms == 1_005_000
    assert backoff.until_ms() == {"BTC/USDT": 1_005_000}
    backoff.record_success("BTC/USDT")
    assert backoff.until_ms() == {}
    assert store.rows == {}


def test_cooldown_survives_a_restart_through_the_store() -> None:
    clock, store = FakeClock(start_ms=0), MemoryBackoffStore()
    RejectionBackoff(store=store, clock=clock, base_ms=60_000, max_ms=600_000).record_rejection(
        "ETH/USDT", "rejected"
    )
    restarted = RejectionBackoff(store=store, clock=clock, base_ms=60_000, max_ms=600_000)
    assert restarted.until_ms() == {"ETH/USDT": 60_000}
    assert restarted.record_rejection("ETH/USDT", "again").failures == 2
    clock.advance(600_000)
    assert restarted.until_ms() == {}  # expired cooldowns are not handed to the kernel
