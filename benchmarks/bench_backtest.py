"""Benchmark: the SMA-cross backtest over 1,000,000 generated 1-minute bars, end to end.

Two parts, each in a fresh subprocess so one's peak memory cannot hide the other's:

- `engine`: `examples/sma_cross.toml` through the whole engine (indicators, kernel, venue,
  accounting) with every plan, order, fill and equity point recorded into a temporary
  SQLite database, as `run_backtest` does;
- `plain`: a plain Python loop doing the same SMA(10)/SMA(30) crossover on the same bars
  (running sums, Decimal fills), the floor any framework is compared against.

Targets: >= 1,000,000 bars/s, within 3x of the plain loop, < 300 MB peak RSS.
"""

import json
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from benchmarks.generated_bars import SYMBOL, generate
from tradekernel.bootstrap.gc_policy import long_run_gc

REPO = Path(__file__).resolve().parents[1]
SMA_CROSS = REPO / "examples" / "sma_cross.toml"


def _peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024.0
    return float("nan")


def _engine_part() -> dict[str, float]:
    # Imported here so the plain part's process does not pay for (or count) them.
    from tradekernel.adapters.backtest.venue import BacktestVenue
    from tradekernel.adapters.sqlite.database import connect
    from tradekernel.adapters.sqlite.journal import SqliteJournal
    from tradekernel.bootstrap.backtest_job import recorded_equity, venue_settings
    from tradekernel.bootstrap.blueprints import load
    from tradekernel.domain.plan import Plan
    from tradekernel.domain.ports.journal import JournalEntry, RunManifest
    from tradekernel.orchestration.backtest.engine import BacktestEngine, BacktestRequest
    from tradekernel.orchestration.factory.kernel_factory import build_kernel
    from tradekernel.orchestration.records.canonical import HASH_FORMAT_VERSION

    started = time.perf_counter()
    series = generate()
    generated = time.perf_counter()
    blueprint, catalog = load(SMA_CROSS)
    kernel = build_kernel(blueprint.settings, catalog)
    # The engine reuses feature columns a series already carries, so this is the whole
    # indicator cost; the activity masks are computed inside run().
    series = kernel.prepare({SYMBOL: series}).series[SYMBOL]
    precomputed = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        connection = connect(Path(tmp) / "bench.db")
        journal = SqliteJournal(connection)
        with journal:
            journal.start_run(
                RunManifest(
                    run_id="bench",
                    mode="backtest",
                    config_hash=blueprint.config_hash,
                    code_version="bench",
                    data_fingerprint="generated",
                    started_ms=0,
                    config_text=blueprint.text,
                    hash_format_version=HASH_FORMAT_VERSION,
                )
            )

            def record(plan: Plan, digest: str, plan_json: str, context_json: str) -> None:
                journal.record_plan(
                    JournalEntry(
                        run_id="bench",
                        cycle_ts_ms=plan.cycle_ts_ms,
                        plan_hash=digest,
                        plan_json=plan_json,
                        context_json=context_json,
                        client_order_ids=tuple(i.client_order_id for i in plan.intents),
                    )
                )

            engine = BacktestEngine(
                kernel, BacktestVenue(venue_settings(blueprint.settings)), on_plan=record
            )
            result = engine.run(
                BacktestRequest(
                    run_id="bench",
                    series={SYMBOL: series},
                    rules={SYMBOL: blueprint.settings.rules_for(SYMBOL)},
                )
            )
            looped = time.perf_counter()
            for order in result.orders:
                journal.record_order("bench", order)
            for fill in result.fills:
                journal.record_fill("bench", fill)
            journal.record_equity("bench", list(recorded_equity(result)))
            journal.finish_run("bench", "{}")
        connection.close()
    recorded = time.perf_counter()
    return {
        "bars": float(result.bars),
        "kernel_calls": float(result.kernel_calls),
        "trades": float(len(result.closed_trades)),
        "final_equity": float(result.final_equity),
        "gen_s": generated - started,
        "precompute_s": precomputed - generated,
        "loop_s": looped - precomputed,
        "records_s": recorded - looped,
        "total_s": recorded - generated,
        "peak_mb": _peak_rss_mb(),
    }


def _plain_part() -> dict[str, float]:
    started = time.perf_counter()
    series = generate()
    opens, closes = series.open.tolist(), series.close.tolist()
    generated = time.perf_counter()
    fee_rate, quantity = Decimal("0.001"), Decimal("0.01")
    cash = Decimal(100_000)
    held = Decimal(0)
    fast_sum = slow_sum = 0.0
    gap_before: float | None = None
    pending = 0
    trades = 0
    for i, close in enumerate(closes):
        if pending:
            price = Decimal(repr(opens[i]))
            notional = quantity * price
            if pending > 0:
                cash -= notional + notional * fee_rate
                held = quantity
            else:
                cash += notional - notional * fee_rate
                held = Decimal(0)
                trades += 1
            pending = 0
        fast_sum += close
        slow_sum += close
        if i >= 10:
            fast_sum -= closes[i - 10]
        if i >= 30:
            slow_sum -= closes[i - 30]
        if i < 29:
            continue
        gap = fast_sum / 10 - slow_sum / 30
        if gap_before is not None:
            if gap_before <= 0.0 < gap and not held:
                pending = 1
            elif gap_before >= 0.0 > gap and held:
                pending = -1
        gap_before = gap
    looped = time.perf_counter()
    final = cash + held * Decimal(repr(closes[-1]))
    return {
        "bars": float(len(closes)),
        "trades": float(trades),
        "final_equity": float(final),
        "gen_s": generated - started,
        "loop_s": looped - generated,
        "peak_mb": _peak_rss_mb(),
    }


def _in_subprocess(part: str) -> dict[str, float]:
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_backtest", part],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=3600,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"{part} part failed:\n{completed.stderr}")
    parsed: dict[str, float] = json.loads(completed.stdout.strip().splitlines()[-1])
    return parsed


def run() -> list[tuple[str, str]]:
    """Run both parts in fresh subprocesses and return the (metric, value) rows."""
    engine = _in_subprocess("engine")
    plain = _in_subprocess("plain")
    engine_rate = engine["bars"] / engine["total_s"]
    loop_rate = engine["bars"] / engine["loop_s"]
    plain_rate = plain["bars"] / plain["loop_s"]
    return [
        ("bars", f"{engine['bars']:,.0f}"),
        ("kernel_calls", f"{engine['kernel_calls']:,.0f}"),
        ("trades (engine / plain loop)", f"{engine['trades']:,.0f} / {plain['trades']:,.0f}"),
        ("engine data_gen_s", f"{engine['gen_s']:.2f}"),
        ("engine precompute_s (indicators)", f"{engine['precompute_s']:.2f}"),
        ("engine loop_s (masks, kernel, venue, plan journal)", f"{engine['loop_s']:.2f}"),
        ("engine records_s (orders, fills, equity)", f"{engine['records_s']:.2f}"),
        ("engine bars_per_s (precompute+loop+records)", f"{engine_rate:,.0f}"),
        ("engine bars_per_s (loop only)", f"{loop_rate:,.0f}"),
        ("engine peak_rss_mb", f"{engine['peak_mb']:.0f}"),
        ("plain loop_s", f"{plain['loop_s']:.2f}"),
        ("plain bars_per_s", f"{plain_rate:,.0f}"),
        ("plain peak_rss_mb", f"{plain['peak_mb']:.0f}"),
        ("engine/plain time ratio", f"{engine['total_s'] / plain['loop_s']:.2f}x"),
        ("target bars_per_s >= 1,000,000", "met" if engine_rate >= 1e6 else "NOT met"),
        (
            "target within 3x of plain",
            "met" if engine["total_s"] <= 3 * plain["loop_s"] else "NOT met",
        ),
        ("target peak < 300 MB", "met" if engine["peak_mb"] < 300 else "NOT met"),
    ]


if __name__ == "__main__":
    parts = {"engine": _engine_part, "plain": _plain_part}
    if len(sys.argv) != 2 or sys.argv[1] not in parts:
        print("usage: python -m benchmarks.bench_backtest engine|plain", file=sys.stderr)
        sys.exit(2)
    # Both parts under the collector settings the CLI uses for a long run.
    with long_run_gc():
        figures = parts[sys.argv[1]]()
    print(json.dumps(figures))
