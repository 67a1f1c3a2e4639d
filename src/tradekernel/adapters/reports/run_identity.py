"""What names a run in its reports: ids and hashes from the manifest and the journal."""

import attrs


@attrs.frozen(kw_only=True)
class RunIdentity:
    """`plan_hash` is the hash over the run's plans (equal runs give equal hashes)."""

    run_id: str
    config_hash: str
    data_fingerprint: str
    plan_hash: str
    mode: str = "backtest"
