"""An in-memory `ControlStore`: what `tradekernel control` would have written."""

from tradekernel.domain.ports.control_store import ControlRecord


class FakeControlStore:
    def __init__(self) -> None:
        self.records: dict[str, ControlRecord] = {}

    def read(self, bot_id: str) -> ControlRecord | None:
        return self.records.get(bot_id)

    def write(self, record: ControlRecord) -> None:
        self.records[record.bot_id] = record
