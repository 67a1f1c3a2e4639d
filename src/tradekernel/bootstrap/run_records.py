"""The read side of the run records that `explain` and the dashboard need.

The SQLite run reader fits it; naming the protocol rather than the adapter keeps the
modules that use it free of the concrete store (only the container knows it).
"""

from typing import Protocol

from tradekernel.domain.orders import Fill, Order
from tradekernel.domain.ports.journal import EquityPoint, JournalEntry, RunManifest


class RunRecords(Protocol):
    def run_manifest(self, run_id: str) -> RunManifest:
        """Return the manifest a run was started with."""
        ...

    def run_summary(self, run_id: str) -> str | None:
        """Return the summary JSON of a finished run, or None while it is unfinished."""
        ...

    def find_order(self, client_order_id: str, run_id: str | None = None) -> tuple[str, Order]:
        """Return (run id, latest recorded state) of an order."""
        ...

    def plan_containing_order(self, run_id: str, client_order_id: str) -> JournalEntry:
        """Return the recorded plan whose intents name `client_order_id`."""
        ...

    def fills_for_order(self, client_order_id: str, run_id: str | None = None) -> list[Fill]:
        """Return an order's fills in time order."""
        ...

    def fills(self, run_id: str) -> list[Fill]:
        """Return a run's fills in time order."""
        ...

    def equity(self, run_id: str) -> list[EquityPoint]:
        """Return a run's equity snapshots in time order."""
        ...
