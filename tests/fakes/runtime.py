"""A minimal IBotRuntime: runtime services under test must need nothing more."""


class StubRuntime:
    """Satisfies `IBotRuntime`; records stop requests."""

    def __init__(self, *, running: bool = True) -> None:
        self.running = running
        self.stops: list[str] = []

    @property
    def config(self) -> object:
        return None

    @property
    def is_running(self) -> bool:
        return self.running

    def stop(self, reason: str) -> None:
        self.stops.append(reason)
