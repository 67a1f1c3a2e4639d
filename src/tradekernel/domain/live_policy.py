"""Vocabularies of live execution policy: rollback of a half-done entry, orphan handling."""

from enum import StrEnum


class RollbackPolicy(StrEnum):
    """What the runner does with the filled part of an entry that failed half-way.

    KEEP holds the filled part; REDUCE sells `ExecutionPolicy.reduce_fraction` of it;
    CLOSE sells all of it. In every case the unfilled remainder is cancelled.
    """

    KEEP = "keep"
    REDUCE = "reduce"
    CLOSE = "close"


class OrphanPolicy(StrEnum):
    """What reconciliation does with a venue order carrying our prefix the store lacks.

    REFUSE reports it (the startup guard then refuses to trade); ADOPT records it and
    manages it like our own; CANCEL records it and cancels it on the venue.
    """

    REFUSE = "refuse"
    ADOPT = "adopt"
    CANCEL = "cancel"


class FallbackReason(StrEnum):
    """Why a limit order may be replaced by a market order (only with permission)."""

    REJECT = "reject"
    TIMEOUT = "timeout"
