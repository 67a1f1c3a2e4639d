"""`tradekernel portfolio plan`: plan every bucket of a portfolio config and print the plans."""

import argparse
import json
import sys
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from tradekernel.domain.errors import ConfigError
from tradekernel.domain.portfolio import PortfolioPlan, PortfolioState, ScoredSequence

if TYPE_CHECKING:
    from tradekernel.adapters.config.portfolio_loader import PortfolioSetup

SCHEMA_VERSION = 1
EXAMPLE = "example: tradekernel portfolio plan --config examples/portfolio/portfolio.toml"


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add `portfolio plan` to the CLI."""
    portfolio = subparsers.add_parser(
        "portfolio", help="plan whole-portfolio trade sequences per bucket", epilog=EXAMPLE
    )
    actions = portfolio.add_subparsers(dest="portfolio_command", metavar="ACTION")
    plan = actions.add_parser(
        "plan",
        help="print each bucket's best sequence, its score breakdown and the runners-up",
        epilog=EXAMPLE
        + "\n         tradekernel portfolio plan --config FILE --incremental --db plan.db",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    plan.add_argument("--config", required=True, metavar="FILE", help="portfolio TOML file")
    plan.add_argument("--format", choices=("table", "json"), default="table")
    plan.add_argument(
        "--incremental", action="store_true", help="evaluate in resumable batches in --db"
    )
    plan.add_argument("--db", metavar="FILE", help="SQLite file for --incremental")
    plan.add_argument("--batch-size", type=int, default=200, metavar="N")
    plan.set_defaults(handler=run)


def _plans(
    setup: "PortfolioSetup", args: argparse.Namespace
) -> list[tuple[str, Decimal, PortfolioState, PortfolioPlan]]:
    from tradekernel.bootstrap.container import configured
    from tradekernel.features.portfolio.buckets import split
    from tradekernel.features.portfolio.incremental import plan_incremental
    from tradekernel.shared.ids import derive_id

    shares = {b.name: b.capital_share for b in setup.buckets}
    states = split(setup.state, setup.assignment, shares, setup.targets)
    container = configured(db_path=args.db) if args.incremental else None
    store = container.sequence_store() if container is not None else None
    results = []
    try:
        for bucket in setup.buckets:
            state = states[bucket.name]
            if store is None:
                plan = bucket.planner.plan(state)
            else:
                key = derive_id(
                    "prun", bucket.name, repr(state), repr(bucket.planner.settings), length=24
                )

                def report(done: int, total: int, name: str = bucket.name) -> None:
                    print(f"{name}: {done}/{total} sequences scored", file=sys.stderr)

                result = plan_incremental(
                    bucket.planner,
                    state,
                    store,
                    key,
                    batch_size=args.batch_size,
                    on_progress=report,
                )
                assert result is not None  # no max_batches: the run always completes
                plan = result
            results.append((bucket.name, bucket.capital_share, state, plan))
    finally:
        if container is not None:
            container.shutdown_resources()
    return results


def _actions(item: ScoredSequence) -> str:
    if not item.executed:
        return "hold (no trades)"
    return ", ".join(f"{a.side.value} {a.quantity.normalize():f} {a.symbol}" for a in item.executed)


def _json_row(item: ScoredSequence) -> dict[str, Any]:
    return {
        "sequence_id": item.sequence.sequence_id,
        "pattern": item.sequence.pattern,
        "generator": item.sequence.generator,
        "score": str(item.score.total),
        "components": {
            c.name: {"value": str(c.value), "weight": f"{c.weight.normalize():f}"}
            for c in item.score.components
        },
        "actions": [
            {
                "side": a.side.value,
                "symbol": a.symbol,
                "quantity": f"{a.quantity.normalize():f}",
                "price": f"{a.price.normalize():f}",
                "source": a.source,
                "reason": a.reason,
            }
            for a in item.executed
        ],
        "fees": f"{item.fees:.8f}",
        "end_cash": f"{item.end_cash:.8f}",
        "note": item.sequence.note,
    }


def _text_table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]


def _render(results: list[tuple[str, Decimal, PortfolioState, PortfolioPlan]]) -> str:
    from tradekernel.features.portfolio.valuation import equity

    lines: list[str] = []
    for name, share, state, plan in results:
        lines.append(
            f"bucket {name}  share {share}  cash {state.cash:.2f}  equity {equity(state):.2f}  "
            f"evaluated {plan.evaluated}  invalid {plan.invalid}  filtered {plan.filtered}"
        )
        ranked = ([plan.best] if plan.best else []) + list(plan.runners_up)
        rows = [["rank", "score", "pattern", "generator", "fees", "actions"]]
        for index, item in enumerate(ranked):
            rank = "best" if index == 0 else f"#{index + 1}"
            rows.append(
                [
                    rank,
                    str(item.score.total),
                    item.sequence.pattern,
                    item.sequence.generator,
                    f"{item.fees:.2f}",
                    _actions(item),
                ]
            )
        for item in plan.hypotheticals:
            rows.append(
                [
                    "what-if",
                    str(item.score.total),
                    item.sequence.pattern,
                    item.sequence.generator,
                    f"{item.fees:.2f}",
                    f"{_actions(item)} [{item.sequence.note}; not executed]",
                ]
            )
        lines.extend("  " + line for line in _text_table(rows))
        if plan.best is not None:
            breakdown = [["component", "value", "weight"]] + [
                [c.name, str(c.value), f"{c.weight.normalize():f}"]
                for c in plan.best.score.components
            ]
            lines.append("  best score breakdown:")
            lines.extend("    " + line for line in _text_table(breakdown))
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def run(args: argparse.Namespace) -> int:
    """Plan the portfolio of `args.config` and print it; return the exit code.

    Raises:
        ConfigError: on a bad config, state or --db argument.
    """
    from tradekernel.adapters.config.portfolio_loader import load_portfolio
    from tradekernel.features.portfolio.valuation import equity

    if args.incremental and not args.db:
        raise ConfigError("--incremental needs --db FILE", path="--db")
    if args.batch_size <= 0:
        raise ConfigError(f"must be positive, got {args.batch_size}", path="--batch-size")
    setup = load_portfolio(args.config)
    results = _plans(setup, args)
    if args.format == "json":
        payload = {
            "schema_version": SCHEMA_VERSION,
            "buckets": [
                {
                    "bucket": name,
                    "capital_share": str(share),
                    "cash": f"{state.cash:.8f}",
                    "equity": f"{equity(state):.8f}",
                    "evaluated": plan.evaluated,
                    "invalid": plan.invalid,
                    "filtered": plan.filtered,
                    "best": _json_row(plan.best) if plan.best else None,
                    "runners_up": [_json_row(item) for item in plan.runners_up],
                    "what_ifs": [_json_row(item) for item in plan.hypotheticals],
                }
                for name, share, state, plan in results
            ],
        }
        print(json.dumps(payload, sort_keys=True, indent=2))
    else:
        print(_render(results), end="")
    return 0
