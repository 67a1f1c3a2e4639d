"""The composition root: the only module that knows concrete adapters."""

from dependency_injector import containers, providers

from tradekernel.adapters.clock.system import SystemClock


class Container(containers.DeclarativeContainer):
    """Every long-lived object of a run, built from validated settings."""

    clock = providers.Singleton(SystemClock)
