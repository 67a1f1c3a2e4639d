"""The run journal: manifests, plans and outcomes, so every order can be explained."""

from collections.abc import Sequence
from decimal import Decimal
from typing import Protocol

import attrs

from tradekernel.domain.orders import Fill, Order


@attrs.frozen(kw_only=True)
class RunManifest:
    """How a run started: its config, code, data, and the hash format of its plans.

    `hash_format_version` is the canonical-JSON format the run's plans and plan hashes
    were written in (`orchestration.records.canonical.HASH_FORMAT_VERSION` when it was recorded;
    "1" for runs recorded before the version was stored). Plans of two versions are
    never compared.
    """

    run_id: str
    mode: str
    config_hash: str
    code_version: str
    data_fingerprint: str
    started_ms: int
    hash_format_version: str
    config_text: str = ""
    exchange: str = ""
    market_type: str = ""
    data_sources: str = "{}"


@attrs.frozen(kw_only=True)
class EquityPoint:
    ts_ms: int
    equity: Decimal
    cash: Decimal


@attrs.frozen(kw_only=True)
class JournalEntry:
    """A recorded plan: canonical JSON, its hash, and (optionally) the context it came from.

    `client_order_ids` are the client order ids of the plan's intents in plan order, when
    the caller has them at hand (`plan.intents`); None means the journal reads them from
    `plan_json`. They restate `plan_json`, so they take no part in equality: an entry
    read back from a journal equals the entry that was recorded.
    """

    run_id: str
    cycle_ts_ms: int
    plan_hash: str
    plan_json: str
    context_json: str = ""
    client_order_ids: tuple[str, ...] | None = attrs.field(default=None, eq=False)


class Journal(Protocol):
    def start_run(self, manifest: RunManifest) -> None:
        """Record a new run."""
        ...

    def record_plan(self, entry: JournalEntry) -> None:
        """Record one cycle's plan."""
        ...

    def record_order(self, run_id: str, order: Order) -> None:
        """Record an order's latest state."""
        ...

    def record_fill(self, run_id: str, fill: Fill) -> None:
        """Record a fill (idempotent by trade id)."""
        ...

    def record_equity(self, run_id: str, points: Sequence[EquityPoint]) -> None:
        """Record equity snapshots."""
        ...

    def finish_run(self, run_id: str, summary_json: str) -> None:
        """Record the end of a run with its summary."""
        ...
