"""What names a run in its reports: ids and hashes, the strategy, its symbols and period."""

import attrs


@attrs.frozen(kw_only=True)
class RunIdentity:
    """`plan_hash` is the hash over the run's plans (equal runs give equal hashes).

    `strategy` is the blueprint's name; `start_ms` and `end_ms` are the open times of the
    first and last bar of the run's data (epoch ms, reports add ISO UTC beside them).
    `skipped_intents` counts the intents the run's plans skipped, by reason, most frequent
    first: a run that could not trade as configured says why in its summary.
    """

    run_id: str
    config_hash: str
    data_fingerprint: str
    plan_hash: str
    mode: str = "backtest"
    strategy: str = ""
    symbols: tuple[str, ...] = ()
    start_ms: int = 0
    end_ms: int = 0
    skipped_intents: tuple[tuple[str, int], ...] = ()
