"""Choosing the id a recorded run (backtest or paper replay) is stored under."""

from tradekernel.bootstrap.wiring import RunStores
from tradekernel.domain.errors import ConfigError


def choose_run_id(stores: RunStores, *, requested: str | None, derived: str, replace: bool) -> str:
    """Return the id to record the run under, freeing it first when `replace` is set.

    A `--run-id` the database already holds is refused unless `replace`: the id feeds every
    client order id and so the run plan hash, and a silently renamed run (`myrun-2`) would
    show a different hash for the same inputs. A derived id (no `--run-id`) that is taken
    becomes `derived-N`, the first N free, unless `replace`.

    Raises:
        ConfigError: `requested` is already recorded and `replace` is not set.
        StorageError: the old run cannot be removed.
    """
    existing = set(stores.reader.run_ids())
    wanted = requested or derived
    if wanted not in existing:
        return wanted
    if replace:
        stores.journal.forget_run(wanted)
        return wanted
    if requested is not None:
        raise ConfigError(
            f"run {requested!r} is already recorded in {stores.db_path}; pass --replace to "
            "record it afresh, or choose another --run-id",
            path="--run-id",
        )
    number = 2
    while f"{derived}-{number}" in existing:
        number += 1
    return f"{derived}-{number}"
