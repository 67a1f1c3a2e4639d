"""The parity blueprint, its data and the recorded-run checks every leg of the parity test
shares (offline legs here, the live leg in `test_live_parity.py`).

Data: the real Bittrex 5m files of tests/data (see tests/data/README.md). ETH/BTC is
traded; TRX/BTC's bars are served as `TRX/WBTC`, the symbol whose entries the venue refuses
(see parity.toml). 5760 bars, 2018-01-10 04:55 -> 2018-01-30 04:50 UTC.
"""

import json
from collections.abc import Sequence
from pathlib import Path

import attrs

from tradekernel.adapters.config.blueprint_loader import LoadedBlueprint
from tradekernel.adapters.data.loader import load_bars
from tradekernel.adapters.data.report import LoadedBars
from tradekernel.adapters.sqlite.database import connect
from tradekernel.adapters.sqlite.run_reader import SqliteRunReader
from tradekernel.bootstrap.backtest_job import run_backtest
from tradekernel.bootstrap.blueprints import load
from tradekernel.bootstrap.container import configured
from tradekernel.bootstrap.paper_job import run_paper
from tradekernel.domain.enums import SkipReason
from tradekernel.domain.ports.journal import JournalEntry
from tradekernel.orchestration.cycle.result import RunResult

HERE = Path(__file__).resolve().parent
BLUEPRINT = HERE / "parity.toml"
DATA_DIR = HERE.parents[1] / "data"
TRADED = "ETH/BTC"
REFUSED = "TRX/WBTC"
FILES = {TRADED: DATA_DIR / "bittrex_ETH-BTC_5m.csv", REFUSED: DATA_DIR / "bittrex_TRX-BTC_5m.csv"}
RUN_ID = "parity"
DRAWDOWN_THREAT = "max_drawdown"

PlanHashes = list[tuple[int, str]]
OFFLINE_LEGS = ("dense", "sparse", "paper")


def blueprint() -> LoadedBlueprint:
    loaded, _ = load(BLUEPRINT)
    return loaded


def bars() -> list[LoadedBars]:
    return [load_bars(path, symbol) for symbol, path in sorted(FILES.items())]


def recorded_plans(db: Path, run_id: str = RUN_ID) -> list[JournalEntry]:
    connection = connect(db)
    try:
        return list(SqliteRunReader(connection).plans(run_id))
    finally:
        connection.close()


def run_offline_legs(
    directory: Path, blueprint_path: Path, data: list[LoadedBars], run_id: str
) -> dict[str, tuple[RunResult, Path]]:
    """Run `blueprint_path` on `data` as a dense and a sparse backtest and a paper run,
    each into its own database in `directory`; return each leg's result and database."""
    runs: dict[str, tuple[RunResult, Path]] = {}
    for name in OFFLINE_LEGS:
        db = directory / f"{name}.db"
        mode = "paper" if name == "paper" else "backtest"
        container = configured(mode=mode, db_path=db, blueprint_path=blueprint_path)
        try:
            parts = container.recorded_run_parts()
            if name == "paper":
                result = run_paper(
                    parts, data, out_dir=None, run_id=run_id, progress_stream=None
                ).result
            else:
                result = run_backtest(
                    parts,
                    data,
                    out_dir=None,
                    dense=name == "dense",
                    run_id=run_id,
                    progress_stream=None,
                ).result
        finally:
            container.shutdown_resources()
        runs[name] = (result, db)
    return runs


def hashes(entries: Sequence[JournalEntry]) -> PlanHashes:
    return [(entry.cycle_ts_ms, entry.plan_hash) for entry in entries]


@attrs.frozen(kw_only=True)
class RecordedBehaviour:
    """What the recorded plans of one run show happened (read from the plan JSON)."""

    drawdown_threat_cycles: int
    # Entries of the refused symbol sent at a cycle, and those skipped in backoff later.
    refused_entries: tuple[tuple[int, str], ...]
    backoff_skips: tuple[tuple[int, str], ...]
    twap_slices: tuple[str, ...]
    limit_entries: tuple[str, ...]
    # Client order ids of the sells that partial exits and trailing stops sent.
    partial_exits: tuple[str, ...]
    trailing_stops: tuple[str, ...]
    breakevens: int


def behaviour(entries: Sequence[JournalEntry]) -> RecordedBehaviour:
    threat_cycles = 0
    refused: list[tuple[int, str]] = []
    skips: list[tuple[int, str]] = []
    slices: list[str] = []
    limits: list[str] = []
    reasons: list[str] = []
    partials: list[str] = []
    trails: list[str] = []
    for entry in entries:
        plan = json.loads(entry.plan_json)
        if any(t["source"] == DRAWDOWN_THREAT for t in plan["threats"]):
            threat_cycles += 1
        reasons.extend(d["reason"] for d in plan["directives"])
        why = {d["directive_id"]: d["reason"] for d in plan["directives"]}
        for intent in plan["intents"]:
            cid, symbol = intent["client_order_id"], intent["symbol"]
            opening = intent["close_semantics"] == "open"
            if intent["skipped"]:
                if intent["skip_reason"] == SkipReason.REJECTION_BACKOFF.value:
                    skips.append((entry.cycle_ts_ms, symbol))
                continue
            reason = why.get(intent["directive_id"], "")
            if reason.startswith("partial exit:"):
                partials.append(cid)
            if reason.startswith("trailing stop:"):
                trails.append(cid)
            if opening and intent["delay_ms"] > 0:
                slices.append(cid)
            if opening and intent["order_type"] == "limit":
                limits.append(cid)
            if opening and symbol == REFUSED and intent["delay_ms"] == 0:
                refused.append((entry.cycle_ts_ms, cid))
    return RecordedBehaviour(
        drawdown_threat_cycles=threat_cycles,
        refused_entries=tuple(refused),
        backoff_skips=tuple(skips),
        twap_slices=tuple(slices),
        limit_entries=tuple(limits),
        partial_exits=tuple(partials),
        trailing_stops=tuple(trails),
        breakevens=sum(r.startswith("break-even") for r in reasons),
    )


def _differences(path: str, old: object, new: object, out: list[str]) -> None:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(set(old) | set(new)):
            _differences(f"{path}.{key}", old.get(key), new.get(key), out)
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for index, (left, right) in enumerate(zip(old, new, strict=True)):
            _differences(f"{path}[{index}]", left, right, out)
    elif old != new:
        out.append(f"{path}: {str(old)[:160]} | {str(new)[:160]}")


def first_divergence(
    expected: Sequence[JournalEntry], actual: Sequence[JournalEntry], limit: int = 12
) -> str:
    """Describe the first cycle where two recorded runs differ: its context and plan fields."""
    for index, (old, new) in enumerate(zip(expected, actual, strict=False)):
        if (old.cycle_ts_ms, old.plan_hash) == (new.cycle_ts_ms, new.plan_hash):
            continue
        lines = [f"first differing cycle #{index}: {old.cycle_ts_ms} vs {new.cycle_ts_ms}"]
        context: list[str] = []
        _differences("context", json.loads(old.context_json), json.loads(new.context_json), context)
        plan: list[str] = []
        _differences("plan", json.loads(old.plan_json), json.loads(new.plan_json), plan)
        return "\n".join([*lines, *context[:limit], *plan[:limit]])
    return f"one run is a prefix of the other ({len(expected)} vs {len(actual)} cycles)"
