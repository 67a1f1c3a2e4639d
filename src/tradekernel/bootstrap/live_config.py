"""The `tradekernel live` config file: strict loading, value checks naming the key path and
the file, and where a run's SQLite store lives."""

import hashlib
import json
from pathlib import Path

import attrs

from tradekernel.adapters.ccxt.config import CcxtSettings, client_id_limit
from tradekernel.adapters.config.converter import strict_converter, structure
from tradekernel.adapters.config.toml_file import read_toml
from tradekernel.domain.context import DEFAULT_CLIENT_ID_PREFIX
from tradekernel.domain.errors import ConfigError
from tradekernel.domain.live_policy import OrphanPolicy
from tradekernel.shared.ids import client_id_prefix_problem

# One unseen pass proves nothing (a venue's open-orders answer may lag its order lookup).
MIN_VANISH_PASSES = 2


@attrs.frozen(kw_only=True)
class NotifySettings:
    """`[notify]`: apprise URLs and how notices are batched (see docs/operations.md).

    URLs carry tokens: prefer `TRADEKERNEL_NOTIFY_URLS` in the environment, which wins.
    Notices within `window_seconds` leave as one message; at most `max_messages` leave
    in any `period_seconds` (the rest wait and merge, none is dropped).
    """

    urls: tuple[str, ...] = ()
    window_seconds: float = 10.0
    max_messages: int = 6
    period_seconds: float = 60.0


@attrs.frozen(kw_only=True)
class LiveSettings:
    """The `tradekernel live` config file (TOML). `blueprint` is relative to the file.

    `vanish_passes` and `vanish_grace_ms`: an order the venue acknowledged and then forgot
    is settled LOST once unseen on that many consecutive reconciliation passes spanning at
    least that long (see `ReconcileSettings`). `ambiguous_grace_ms`: an order stored but
    never sent, or whose submit got no answer, that the venue does not know by client id is
    settled LOST (never placed) once that long has passed since its last event.

    `max_ban_wait`: seconds a venue ban may last (from its first 418) before the run ends
    instead of waiting it out (0: end at the first ban). `on_stop`: on a graceful stop
    (SIGTERM, SIGINT), `keep` the bot's working orders at the venue or `cancel` them.
    `stale_after_bars`: bars flowing slower than this many timeframes (since the newest
    closed bar's close) stop new positions until they flow again (0: never).
    `client_id_prefix`: the first letters of this bot's client order ids; reconciliation
    and the startup guard take venue orders with it as the bot's own. Two bots on one
    account need prefixes neither of which starts the other (`a1` and `b1`, not `tk` and
    `tkb`).
    """

    blueprint: str
    mode: str = "dry-run"
    db: str = "tradekernel-live.db"
    bot_id: str = "default"
    cycle_seconds: float = 10.0
    reconcile_seconds: float = 60.0
    window: int = 200
    orphans: OrphanPolicy = OrphanPolicy.REFUSE
    adopt_holdings: bool = False
    vanish_passes: int = 3
    vanish_grace_ms: int = 300_000
    ambiguous_grace_ms: int = 60_000
    stop_file: str = "STOP_NEW_ORDERS"
    max_cycles: int | None = None
    max_ban_wait: float = 3600.0
    on_stop: str = "keep"
    stale_after_bars: float = 3.0
    client_id_prefix: str = DEFAULT_CLIENT_ID_PREFIX
    ccxt: CcxtSettings = attrs.Factory(CcxtSettings)
    notify: NotifySettings = attrs.Factory(NotifySettings)


@attrs.frozen(kw_only=True)
class LoadedLive:
    settings: LiveSettings
    file: Path
    config_hash: str
    text: str


def load_live(path: Path) -> LoadedLive:
    """Read and check a live config.

    Raises:
        ConfigError: a key is unknown, mistyped or out of range; names the file and key path.
    """
    text, data = read_toml(path)
    settings = structure(strict_converter(), data, LiveSettings, file=str(path))
    _check(settings, file=str(path))
    digest = json.dumps(data, sort_keys=True, default=str).encode()
    return LoadedLive(
        settings=settings, file=path, config_hash=hashlib.sha256(digest).hexdigest(), text=text
    )


def store_path(loaded: LoadedLive, *, live: bool) -> Path:
    """Return the SQLite file of a live run, or of a dry run (`bot.db` -> `bot-dry.db`)."""
    path = (loaded.file.parent / loaded.settings.db).resolve()
    return path if live else path.with_name(f"{path.stem}-dry{path.suffix}")


def _check(settings: LiveSettings, *, file: str) -> None:
    if settings.mode not in ("dry-run", "live"):
        raise ConfigError(
            f"expected 'dry-run' or 'live', got {settings.mode!r}", path="mode", file=file
        )
    if settings.on_stop not in ("keep", "cancel"):
        raise ConfigError(
            f"expected 'keep' or 'cancel', got {settings.on_stop!r}", path="on_stop", file=file
        )
    for key in ("max_ban_wait", "stale_after_bars"):
        value = getattr(settings, key)
        if not value >= 0:  # NaN included
            raise ConfigError(f"expected a number >= 0, got {value}", path=key, file=file)
    problem = client_id_prefix_problem(
        settings.client_id_prefix, client_id_limit(settings.ccxt.exchange_id)
    )
    if problem is not None:
        raise ConfigError(problem, path="client_id_prefix", file=file)
    notify = settings.notify
    for key in ("window_seconds", "period_seconds"):
        if not getattr(notify, key) >= 0:
            raise ConfigError(
                f"expected a number >= 0, got {getattr(notify, key)}",
                path=f"notify.{key}",
                file=file,
            )
    if notify.max_messages < 1:
        raise ConfigError(
            f"expected an integer >= 1, got {notify.max_messages}",
            path="notify.max_messages",
            file=file,
        )
    if settings.vanish_passes < MIN_VANISH_PASSES:
        raise ConfigError(
            f"expected an integer >= {MIN_VANISH_PASSES} (one unseen pass proves nothing), "
            f"got {settings.vanish_passes}",
            path="vanish_passes",
            file=file,
        )
    for key in ("vanish_grace_ms", "ambiguous_grace_ms"):
        if getattr(settings, key) < 0:
            raise ConfigError(
                f"expected an integer >= 0 (milliseconds), got {getattr(settings, key)}",
                path=key,
                file=file,
            )
