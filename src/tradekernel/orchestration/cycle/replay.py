"""Replay parity: re-plan recorded cycles with the current kernel and compare the plans.

Pure logic only: the recorded entries, the run's bar series and the kernel come in as
values; loading them (files, database, sha256 checks) is the bootstrap's job. A cycle is
identical when the new plan's canonical JSON equals the recorded text byte for byte; the
first cycle that is not is explained path by path (`intents[0].quantity: 0.01 -> 0.02`).
Replay stops there: every later context was built from the account the recorded plans
produced, so later differences would only echo the first one.
"""

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs

from tradekernel.domain.errors import DataError
from tradekernel.domain.ports.journal import JournalEntry
from tradekernel.orchestration.cycle.context_record import context_from_json
from tradekernel.orchestration.kernel.planning_kernel import PlanningKernel
from tradekernel.orchestration.records.canonical import canonical_json
from tradekernel.shared.bars import BarSeries
from tradekernel.shared.utc_time import utc_text

_ABSENT = object()
MAX_DIFFERENCES = 50

Progress = Callable[[int, int], None]


@attrs.frozen(kw_only=True)
class Difference:
    """One leaf that changed: `path` like `intents[0].quantity`; `old`/`new` are JSON text.

    A side that has no value at the path (a list grew or shrank, a key appeared) is None.
    """

    path: str
    old: str | None
    new: str | None

    def describe(self) -> str:
        """Return the difference as one line, e.g. `intents[0].quantity: 0.01 -> 0.02`."""
        old = "(absent)" if self.old is None else self.old
        new = "(absent)" if self.new is None else self.new
        return f"{self.path or '(plan)'}: {old} -> {new}"


@attrs.frozen(kw_only=True)
class CycleMismatch:
    """The first recorded cycle whose new plan differs, with (up to 50) differences."""

    index: int
    cycle_ts_ms: int
    differences: tuple[Difference, ...]
    truncated: int = 0


@attrs.frozen(kw_only=True)
class ReplayReport:
    """How many cycles were re-planned and, if any differed, the first that did."""

    run_id: str
    cycles: int
    total: int
    mismatch: CycleMismatch | None = None

    @property
    def identical(self) -> bool:
        return self.mismatch is None


def _leaf(value: Any) -> str:
    # Canonical plans hold Decimals as strings: show them bare so a quantity reads 0.01.
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _walk(old: Any, new: Any, path: str, out: list[Difference]) -> None:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(set(old) | set(new)):
            _walk(old.get(key, _ABSENT), new.get(key, _ABSENT), _join(path, str(key)), out)
        return
    if isinstance(old, list) and isinstance(new, list):
        for index in range(max(len(old), len(new))):
            left = old[index] if index < len(old) else _ABSENT
            right = new[index] if index < len(new) else _ABSENT
            _walk(left, right, f"{path}[{index}]", out)
        return
    if old is _ABSENT and new is _ABSENT:
        return
    # bool is an int subclass in Python but not in JSON: compare types too.
    if old is not _ABSENT and new is not _ABSENT and type(old) is type(new) and old == new:
        return
    out.append(
        Difference(
            path=path,
            old=None if old is _ABSENT else _leaf(old),
            new=None if new is _ABSENT else _leaf(new),
        )
    )


def diff_json(old: Any, new: Any) -> tuple[Difference, ...]:
    """Return every leaf path where two JSON values differ, in sorted-key, index order.

    Objects are compared key by key, arrays index by index (an element only one side has
    is a difference whose other side is None); anything else is a leaf compared by value
    and JSON type.
    """
    out: list[Difference] = []
    _walk(old, new, "", out)
    return tuple(out)


def compare_plan_texts(recorded: str, replayed: str) -> tuple[Difference, ...]:
    """Return the path-wise differences between two canonical plan JSON texts.

    Raises:
        DataError: when the recorded text is not JSON (a damaged record).
    """
    if recorded == replayed:
        return ()
    try:
        old = json.loads(recorded)
    except json.JSONDecodeError as error:
        raise DataError(f"recorded plan_json is not JSON: {error}") from None
    return diff_json(old, json.loads(replayed))


def replay_entries(
    kernel: PlanningKernel,
    entries: Sequence[JournalEntry],
    series: Mapping[str, BarSeries],
    *,
    run_id: str,
    progress: Progress | None = None,
) -> ReplayReport:
    """Re-plan every recorded cycle in order and stop at the first differing plan.

    `series` are the run's full bar series, raw: the kernel's own workers are computed over
    them here, as the backtest does, so a changed blueprint's indicators are used.

    Raises:
        DataError: a cycle has no recorded context (the run predates context recording),
            or its context does not fit the series (naming the cycle).
    """
    market = kernel.prepare(series)
    total = len(entries)
    for index, entry in enumerate(entries):
        if not entry.context_json:
            raise DataError(
                f"run {run_id!r} cycle {entry.cycle_ts_ms} has no recorded context: the run "
                "was recorded by a tradekernel that did not store contexts; re-run it to replay"
            )
        try:
            context = context_from_json(entry.context_json, market.series)
        except DataError as error:
            raise DataError(f"run {run_id!r} cycle {entry.cycle_ts_ms}: {error}") from None
        replayed = canonical_json(kernel.plan(context, market))
        differences = compare_plan_texts(entry.plan_json, replayed)
        if progress is not None:
            progress(index + 1, total)
        if differences:
            return ReplayReport(
                run_id=run_id,
                cycles=index + 1,
                total=total,
                mismatch=CycleMismatch(
                    index=index,
                    cycle_ts_ms=entry.cycle_ts_ms,
                    differences=differences[:MAX_DIFFERENCES],
                    truncated=max(0, len(differences) - MAX_DIFFERENCES),
                ),
            )
    return ReplayReport(run_id=run_id, cycles=total, total=total)


def describe_report(report: ReplayReport) -> Iterable[str]:
    """Yield the report as terminal lines (identical, or the first difference and its diff)."""
    mismatch = report.mismatch
    if mismatch is None:
        yield f"identical: {report.cycles} cycles (run {report.run_id})"
        return
    yield (
        f"differs: cycle {mismatch.index + 1} of {report.total} "
        f"(at {utc_text(mismatch.cycle_ts_ms)}, epoch ms {mismatch.cycle_ts_ms}) "
        f"of run {report.run_id}; "
        f"{mismatch.index} cycles before it were identical"
    )
    yield "recorded -> replayed:"
    for difference in mismatch.differences:
        yield f"  {difference.describe()}"
    if mismatch.truncated:
        yield f"  ... and {mismatch.truncated} more differences"
