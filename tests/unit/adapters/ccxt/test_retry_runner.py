"""The retry runner on scripted ccxt failures: bounded attempts, backoff, halt, resync."""

import asyncio
from collections.abc import Awaitable, Callable

import ccxt
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradekernel.adapters.ccxt.config import RetryPolicy
from tradekernel.adapters.ccxt.retry import RetryRunner, UnconfirmedRequest
from tradekernel.domain.errors import Banned, Fatal, OrderNotFound, Transient


class Script:
    """A venue call that raises the scripted errors in turn, then answers "ok"."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0

    async def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "ok"


def runner(
    policy: RetryPolicy | None = None, seed: int = 3
) -> tuple[RetryRunner, list[float], list[str]]:
    pauses: list[float] = []
    resyncs: list[str] = []

    async def sleep(seconds: float) -> None:
        pauses.append(seconds)

    async def resync() -> None:
        resyncs.append("resync")

    retry = RetryRunner(
        policy=policy or RetryPolicy(),
        rng=np.random.default_rng(seed),
        sleep=sleep,
        resync_clock=resync,
        last_headers=lambda: None,
        redact=str,
    )
    return retry, pauses, resyncs


def run(retry: RetryRunner, call: Callable[[], Awaitable[str]], **kwargs: bool) -> str:
    return asyncio.run(retry.run("read", call, **kwargs))


def test_transient_faults_are_retried_until_success() -> None:
    retry, pauses, _ = runner()
    call = Script(ccxt.RequestTimeout("t"), ccxt.ExchangeNotAvailable("503"))

    assert run(retry, call) == "ok"
    assert call.calls == 3 and len(pauses) == 2


def test_attempts_are_bounded() -> None:
    retry, pauses, _ = runner(RetryPolicy(attempts=3))
    call = Script(*[ccxt.RequestTimeout("t") for _ in range(5)])

    with pytest.raises(Transient, match="gave up after 3 attempts"):
        run(retry, call)
    assert call.calls == 3 and len(pauses) == 2


def test_same_seed_gives_the_same_jittered_pauses() -> None:
    first, second = runner(seed=11)[0], runner(seed=11)[0]

    assert [first.backoff_s(n) for n in (1, 2, 3)] == [second.backoff_s(n) for n in (1, 2, 3)]


@given(failures=st.integers(min_value=1, max_value=30), seed=st.integers(0, 2**32 - 1))
def test_backoff_doubles_within_the_jitter_band_and_the_cap(failures: int, seed: int) -> None:
    policy = RetryPolicy(base_delay_s=0.5, max_delay_s=30.0, jitter=0.25)
    retry = runner(policy, seed)[0]

    pause = retry.backoff_s(failures)

    naive = min(30.0, 0.5 * 2 ** (failures - 1))
    assert naive <= pause < naive * 1.25


def test_not_found_is_never_retried() -> None:
    retry, pauses, _ = runner()
    call = Script(ccxt.OrderNotFound("-2013"))

    with pytest.raises(OrderNotFound):
        run(retry, call)
    assert call.calls == 1 and pauses == []


def test_invalid_nonce_resyncs_the_clock_then_retries() -> None:
    retry, pauses, resyncs = runner()
    call = Script(ccxt.InvalidNonce("-1021"))

    assert run(retry, call) == "ok"
    assert resyncs == ["resync"] and pauses == [] and call.calls == 2


def test_unreachable_submit_is_raised_as_unconfirmed_without_retry() -> None:
    retry, pauses, _ = runner()
    call = Script(ccxt.RequestTimeout("t"))

    with pytest.raises(UnconfirmedRequest):
        run(retry, call, retry_unreachable=False)
    assert call.calls == 1 and pauses == []


def test_a_ban_halts_every_later_call_before_it_runs() -> None:
    retry, _, _ = runner()
    banned = Script(ccxt.DDoSProtection("binance 418 teapot"))
    with pytest.raises(Fatal):
        run(retry, banned)

    later = Script()
    with pytest.raises(Fatal, match="halted"):
        run(retry, later)
    assert later.calls == 0


def _clocked(now: list[int]) -> RetryRunner:
    async def sleep(seconds: float) -> None:
        return None

    async def resync() -> None:
        return None

    return RetryRunner(
        policy=RetryPolicy(ban_unknown_s=30.0),
        rng=np.random.default_rng(0),
        sleep=sleep,
        resync_clock=resync,
        last_headers=lambda: None,
        redact=str,
        now_ms=lambda: now[0],
    )


def test_a_ban_with_an_end_refuses_calls_until_then_and_lets_them_out_after() -> None:
    end = 1_796_667_313_930
    now = [end - 60_000]
    retry = _clocked(now)
    with pytest.raises(Banned) as raised:
        run(retry, Script(ccxt.DDoSProtection(f"binance 418 IP banned until {end}.")))
    assert raised.value.until_ms == end
    later = Script()
    now[0] = end - 1
    with pytest.raises(Banned, match="halted") as refused:
        run(retry, later)
    assert later.calls == 0 and refused.value.until_ms == end
    assert retry.halted_reason is not None
    now[0] = end
    assert run(retry, later) == "ok" and later.calls == 1
    assert retry.halted_reason is None


def test_a_ban_naming_no_end_lasts_ban_unknown_s() -> None:
    now = [1_000]
    retry = _clocked(now)
    with pytest.raises(Banned) as raised:
        run(retry, Script(ccxt.DDoSProtection("binance 418 I'm a teapot")))
    assert raised.value.until_ms == 31_000
    now[0] = 31_000
    assert run(retry, Script()) == "ok"


def test_refused_keys_halt_for_good() -> None:
    now = [1_000]
    retry = _clocked(now)
    with pytest.raises(Fatal):
        run(retry, Script(ccxt.AuthenticationError("binance -2015")))
    now[0] = 10**12
    with pytest.raises(Fatal, match="halted"):
        run(retry, Script())
