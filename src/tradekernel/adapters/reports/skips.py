"""Skipped intents in words: the end-of-run line and the `summary.json` entry."""

from collections.abc import Sequence

from tradekernel.domain.enums import SkipReason

SKIP_REASON_WORDS: dict[str, str] = {
    SkipReason.MISSING_MARK_PRICE: "no price to value the order at",
    SkipReason.RULES_UNAVAILABLE: "the symbol's trading rules are unknown",
    SkipReason.QTY_ROUNDS_TO_ZERO: "the quantity rounds to zero at the symbol's step size "
    "(is a size planner or a strategy quantity configured?)",
    SkipReason.MIN_QTY: "the quantity is below the symbol's minimum",
    SkipReason.MIN_NOTIONAL: "the order value is below the symbol's minimum notional",
    SkipReason.INSUFFICIENT_BALANCE: "not enough balance",
    SkipReason.MAX_OPEN_ORDERS: "the open-order limit is reached",
    SkipReason.MAX_OPEN_POSITIONS: "the open-position limit is reached",
    SkipReason.SYMBOL_EXPOSURE_CAP: "the symbol's exposure cap is reached",
    SkipReason.TOTAL_EXPOSURE_CAP: "the total exposure cap is reached",
    SkipReason.CASH_BUDGET: "the cash budget is spent",
    SkipReason.NOT_IN_UNIVERSE: "the symbol is not in the universe",
    SkipReason.INVALID_NORMALIZED_FIELDS: "the order's fields are invalid after rounding",
    SkipReason.STOP_NEW_ORDERS: "new orders are stopped (stop file or control)",
    SkipReason.TRADING_HALTED: "trading is halted",
    SkipReason.REDUCE_ONLY_STATE: "the bot is reduce-only",
    SkipReason.DUPLICATE_OPEN_ORDER: "an equal order is already open",
    SkipReason.NOTHING_TO_CLOSE: "there is no position to close",
    SkipReason.REJECTION_BACKOFF: "the symbol is cooling down after venue rejections",
    SkipReason.PORTFOLIO_PLAN: "the portfolio plan did not choose it",
}


def skip_words(reason: str) -> str:
    """Return a reason code in words (the code itself when it has none)."""
    return SKIP_REASON_WORDS.get(reason, reason)


def skip_line(skipped: Sequence[tuple[str, int]]) -> str | None:
    """Return the end-of-run line for skipped intents (most frequent first), or None."""
    if not skipped:
        return None
    total = sum(count for _, count in skipped)
    reason, count = skipped[0]
    others = f"; also {', '.join(f'{r} {c:,}' for r, c in skipped[1:])}" if skipped[1:] else ""
    return (
        f"skipped  {total:,} intents, most often {reason} ({count:,}): {skip_words(reason)}{others}"
    )
