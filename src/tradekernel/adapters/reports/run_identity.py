"""What names a run in its reports: ids and hashes from the manifest and the journal."""

import attrs


@attrs.frozen(kw_only=True)
class RunIdentity:
    """`plan_hash` is the hash over the run's plans (equal runs give equal hashes).

    `skipped_intents` counts the intents the run's plans skipped, by reason, most frequent
    first: a run that could not trade as configured says why in its summary.
    """

    run_id: str
    config_hash: str
    data_fingerprint: str
    plan_hash: str
    mode: str = "backtest"
    skipped_intents: tuple[tuple[str, int], ...] = ()
