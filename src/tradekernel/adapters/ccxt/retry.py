"""The retry policy: bounded exponential backoff with seeded jitter, and the halt switch.

Reads and cancels retry transient faults; a rate limit waits at least the venue's hint
(and never under `rate_limit_min_s`); `InvalidNonce` resyncs the clock and retries;
refused credentials halt the adapter, after which every call raises `Fatal` without
touching the network. A ban (HTTP 418) halts it until the ban's end (the venue's "banned
until", its Retry-After, else `ban_unknown_s`): until then every call raises `Banned`
without touching the network, afterwards calls go out again. Submits use
`retry_unreachable=False`: a timeout or dropped connection is raised as
`UnconfirmedRequest`, for the caller to look the order up.
"""

import time
from collections.abc import Awaitable, Callable, Mapping
from typing import TypeVar

import ccxt
import numpy as np

from tradekernel.adapters.ccxt.config import RetryPolicy
from tradekernel.adapters.ccxt.errors import FaultKind, classify, translate
from tradekernel.domain.errors import Banned, Fatal, Transient
from tradekernel.domain.ports.venue_incidents import IncidentKind, VenueIncident

T = TypeVar("T")
Sleep = Callable[[float], Awaitable[None]]


class UnconfirmedRequest(Transient):
    """The request may have reached the venue (timeout, dropped connection, 5xx)."""


class RetryRunner:
    """Run venue calls under the retry policy; remember a halt for the adapter's lifetime."""

    def __init__(
        self,
        *,
        policy: RetryPolicy,
        rng: np.random.Generator,
        sleep: Sleep,
        resync_clock: Callable[[], Awaitable[object]],
        last_headers: Callable[[], Mapping[str, str] | None],
        redact: Callable[[str], str],
        now_ms: Callable[[], int] | None = None,
    ) -> None:
        self._policy = policy
        self._now_ms = now_ms if now_ms is not None else _wall_ms
        self._rng = rng
        self._sleep = sleep
        self._resync_clock = resync_clock
        self._last_headers = last_headers
        self._redact = redact
        self._halted: str | None = None
        # Every retried request, for the operator's log (`CcxtExecution.take_incidents`).
        self.incidents: list[VenueIncident] = []
        self._banned_until_ms: int | None = None

    @property
    def halted_reason(self) -> str | None:
        """Why all traffic stopped, or None while the adapter may talk to the venue."""
        self._lift_ended_ban()
        return self._halted

    def _lift_ended_ban(self) -> None:
        until = self._banned_until_ms
        if until is not None and self._now_ms() >= until:
            self._halted = self._banned_until_ms = None

    def ensure_not_halted(self, operation: str, client_order_id: str | None = None) -> None:
        """Raise Fatal if a ban or refused credentials halted the adapter.

        Raises:
            Banned: a ban has not ended yet.
            Fatal: the adapter is halted.
        """
        self._lift_ended_ban()
        if self._banned_until_ms is not None:
            raise Banned(
                f"{operation} refused: traffic halted since {self._halted}",
                client_order_id=client_order_id,
                until_ms=self._banned_until_ms,
            )
        if self._halted is not None:
            raise Fatal(
                f"{operation} refused: traffic halted since {self._halted}",
                client_order_id=client_order_id,
            )

    def backoff_s(self, failures: int) -> float:
        """Return the pause after the `failures`-th consecutive failure (1-based)."""
        policy = self._policy
        base = min(policy.max_delay_s, policy.base_delay_s * 2 ** (failures - 1))
        jitter = float(self._rng.random())
        return float(base * (1.0 + policy.jitter * jitter))

    async def run(
        self,
        operation: str,
        call: Callable[[], Awaitable[T]],
        *,
        client_order_id: str | None = None,
        retry_unreachable: bool = True,
    ) -> T:
        """Return `call()`'s result, retrying what the policy allows.

        Raises:
            Fatal: banned or credentials refused (the adapter halts), or already halted.
            UnconfirmedRequest: unreachable venue with `retry_unreachable=False`.
            Transient: still failing after `policy.attempts` tries.
            Rejected, InsufficientFunds, OrderNotFound: the venue's answer; never retried.
        """
        resyncs = 0
        failures = 0
        while True:
            self.ensure_not_halted(operation, client_order_id)
            try:
                return await call()
            except ccxt.BaseError as error:
                kind = classify(error)
                domain = translate(
                    error,
                    operation=operation,
                    client_order_id=client_order_id,
                    headers=self._last_headers(),
                    rate_limit_min_s=self._policy.rate_limit_min_s,
                    redact=self._redact,
                    now_ms=self._now_ms(),
                )
                if isinstance(domain, Banned):
                    raise self._ban(operation, domain) from None
                if isinstance(domain, Fatal):
                    self._halted = f"{operation}: {domain}"
                    raise domain from None
                if kind is FaultKind.NONCE and resyncs < self._policy.nonce_resyncs:
                    # The request was refused for its timestamp, so it never took effect.
                    resyncs += 1
                    self._note_retry(operation, client_order_id, f"{domain}; clock resynced")
                    await self._resync(operation, client_order_id)
                    continue
                if not isinstance(domain, Transient):
                    raise domain from None
                if kind is FaultKind.UNREACHABLE and not retry_unreachable:
                    raise UnconfirmedRequest(str(domain), client_order_id=client_order_id) from None
                failures += 1
                if failures >= self._policy.attempts:
                    raise Transient(
                        f"{domain} (gave up after {failures} attempts)",
                        client_order_id=client_order_id,
                        retry_after_s=domain.retry_after_s,
                    ) from None
                delay = self.backoff_s(failures)
                if domain.retry_after_s is not None:
                    delay = max(delay, domain.retry_after_s)
                self._note_retry(operation, client_order_id, f"{domain}; retry in {delay:.2f} s")
                await self._sleep(delay)

    def _note_retry(self, operation: str, client_order_id: str | None, detail: str) -> None:
        self.incidents.append(
            VenueIncident(
                kind=IncidentKind.RETRY,
                operation=operation,
                client_order_id=client_order_id,
                detail=detail,
            )
        )

    def _ban(self, operation: str, error: Banned) -> Banned:
        # A ban that names no end lasts `ban_unknown_s`: the first call after it probes,
        # and a venue still banning us answers 418 again (with its end, if it knows one).
        until = error.until_ms
        if until is None:
            until = self._now_ms() + round(self._policy.ban_unknown_s * 1000)
        self._halted = f"{operation}: {error}"
        self._banned_until_ms = until
        return Banned(str(error), client_order_id=error.client_order_id, until_ms=until)

    async def _resync(self, operation: str, client_order_id: str | None) -> None:
        try:
            await self._resync_clock()
        except ccxt.BaseError as error:
            raise translate(
                error,
                operation=f"{operation} (clock resync)",
                client_order_id=client_order_id,
                redact=self._redact,
            ) from None


def _wall_ms() -> int:
    return time.time_ns() // 1_000_000
