"""Fixtures: a started loopback venue and a `CcxtExecution` pointed at it."""

import asyncio
import contextlib
import faulthandler
from collections.abc import Callable, Iterator
from typing import TypeVar

import numpy as np
import pytest
from tests.fakes.clock import FakeClock
from tests.integration.ccxt.fake_binance import FakeBinance

from tradekernel.adapters.ccxt.config import CcxtSettings, RetryPolicy
from tradekernel.adapters.ccxt.execution import CcxtExecution

V = TypeVar("V", bound=FakeBinance)
API_KEY = "tkTestKeyA1b2C3d4E5f6G7h8"
API_SECRET = "tkTestSecretZ9y8X7w6V5u4T3s2R1q0"
ENV = {"TRADEKERNEL_API_KEY": API_KEY, "TRADEKERNEL_API_SECRET": API_SECRET}


class RecordingSleep:
    """An injected sleep that records each pause and moves the fake clock, never waiting."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.durations: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.durations.append(seconds)
        self.clock.advance(int(seconds * 1000))
        await asyncio.sleep(0)


# No test here may hang: past this, the process dumps every stack and exits.
TEST_TIME_LIMIT_S = 60


@contextlib.contextmanager
def serving(server: V) -> Iterator[V]:
    """Start a fake venue for one test, bounded in time (see `TEST_TIME_LIMIT_S`)."""
    server.start()
    faulthandler.dump_traceback_later(TEST_TIME_LIMIT_S, exit=True)
    try:
        yield server
    finally:
        faulthandler.cancel_dump_traceback_later()
        server.stop()


@pytest.fixture
def venue() -> Iterator[FakeBinance]:
    with serving(FakeBinance(api_key=API_KEY, secret=API_SECRET)) as server:
        yield server


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sleep(clock: FakeClock) -> RecordingSleep:
    return RecordingSleep(clock)


@pytest.fixture
def make_execution(
    venue: FakeBinance, clock: FakeClock, sleep: RecordingSleep
) -> Iterator[Callable[..., CcxtExecution]]:
    built: list[CcxtExecution] = []

    def make(**overrides: object) -> CcxtExecution:
        settings = CcxtSettings(
            api_base_url=venue.base_url,
            timeout_ms=int(overrides.pop("timeout_ms", 2_000)),  # type: ignore[call-overload]
            symbols=("BTC/USDT",),
            enable_rate_limit=False,
            retry=RetryPolicy(lookup_window_s=3.0, lookup_interval_s=1.0),
        )
        execution = CcxtExecution(
            settings, clock=clock, rng=np.random.default_rng(7), environ=ENV, sleep=sleep
        )
        built.append(execution)
        return execution

    yield make
    for execution in built:
        execution.close()
