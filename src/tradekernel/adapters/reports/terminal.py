"""What a run prints: the summary table at the end and a progress bar on the way."""

from collections.abc import Callable
from typing import TextIO

from tradekernel.adapters.reports.metric_rows import metric_rows
from tradekernel.adapters.reports.metrics import Metrics
from tradekernel.adapters.reports.run_identity import RunIdentity
from tradekernel.shared.utc_time import utc_text

_TABLE_LABELS = (
    "Long trades",
    "Short trades",
    "Funding paid",
    "Funding received",
    "Max leverage used",
    "Liquidations",
    "Starting cash",
    "Total return",
    "Buy and hold",
    "CAGR",
    "Sharpe",
    "Sortino",
    "Max drawdown",
    "Calmar",
    "Win rate",
    "Profit factor",
    "Exposure",
    "Fees",
    "Trades",
    "Final equity",
)


def summary_table(metrics: Metrics, *, title: str, identity: RunIdentity | None = None) -> str:
    """Return the end-of-run table: labels left-aligned, values right-aligned.

    Args:
        metrics: the run's metrics.
        title: the first line; it names the mode (`Backtest summary`, `Paper summary`), so
            no default: a paper run once printed "Backtest summary".
        identity: when given, the strategy, symbols and period head the table.
    """
    rows = [(label, value) for label, value in metric_rows(metrics) if label in _TABLE_LABELS]
    if identity is not None:
        rows[:0] = [
            ("Strategy", identity.strategy),
            ("Symbols", ", ".join(identity.symbols)),
            ("From", utc_text(identity.start_ms)),
            ("To", utc_text(identity.end_ms)),
        ]
    label_width = max(len(label) for label, _ in rows)
    value_width = max(len(value) for _, value in rows)
    rule = "-" * (label_width + 2 + value_width)
    lines = [title, rule]
    lines.extend(f"{label:<{label_width}}  {value:>{value_width}}" for label, value in rows)
    lines.append(rule)
    return "\n".join(lines) + "\n"


def _clock(seconds: float) -> str:
    whole = max(0, round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class ProgressBar:
    """Progress of a run of `total` bars on a text stream.

    Silent until `min_seconds` have passed (short runs print nothing). On a TTY the bar is
    redrawn in place (`\\r`) at most every `redraw_seconds` with percent, bars/s and ETA;
    elsewhere (logs, CI) one line is written per 10% step at most.
    """

    def __init__(
        self,
        total: int,
        *,
        stream: TextIO,
        now: Callable[[], float],
        is_tty: bool | None = None,
        label: str = "bars",
        min_seconds: float = 1.0,
        redraw_seconds: float = 0.1,
        width: int = 30,
    ) -> None:
        if total < 0:
            raise ValueError(f"total must not be negative, got {total}")
        self._total = total
        self._stream = stream
        self._now = now
        self._tty = stream.isatty() if is_tty is None else is_tty
        self._label = label
        self._min_seconds = min_seconds
        self._redraw_seconds = redraw_seconds
        self._width = width
        self._started = now()
        self._done = 0
        self._last_draw: float | None = None
        self._last_decile = 0
        self._drawn = False
        self._closed = False

    def advance(self, count: int = 1) -> None:
        """Record `count` more bars done."""
        self.update(self._done + count)

    def update(self, done: int) -> None:
        """Record that `done` bars of `total` are done, and draw if it is time."""
        self._done = min(max(done, 0), self._total)
        moment = self._now()
        if moment - self._started < self._min_seconds:
            return
        if self._tty:
            if self._last_draw is None or moment - self._last_draw >= self._redraw_seconds:
                self._draw_tty(moment)
        else:
            decile = 10 if self._total == 0 else self._done * 10 // self._total
            if decile > self._last_decile:
                self._last_decile = decile
                self._write_line(moment)

    def close(self) -> None:
        """Draw the final state (if the bar showed at all) and end its line."""
        if self._closed:
            return
        self._closed = True
        moment = self._now()
        if not self._drawn and moment - self._started < self._min_seconds:
            return
        if self._tty:
            self._draw_tty(moment)
            self._stream.write("\n")
        elif self._last_decile < 10:
            self._write_line(moment)
        self._stream.flush()

    def _fraction(self) -> float:
        return 1.0 if self._total == 0 else self._done / self._total

    def _rate_and_eta(self, moment: float) -> tuple[float, str]:
        elapsed = max(moment - self._started, 1e-9)
        rate = self._done / elapsed
        eta = "--:--" if rate == 0 else _clock((self._total - self._done) / rate)
        return rate, eta

    def _draw_tty(self, moment: float) -> None:
        rate, eta = self._rate_and_eta(moment)
        filled = int(self._fraction() * self._width)
        bar = "#" * filled + "-" * (self._width - filled)
        self._stream.write(
            f"\r{self._label} [{bar}] {self._fraction() * 100:5.1f}% "
            f"{self._done}/{self._total} {rate:,.0f} bars/s ETA {eta}"
        )
        self._stream.flush()
        self._last_draw = moment
        self._drawn = True

    def _write_line(self, moment: float) -> None:
        rate, eta = self._rate_and_eta(moment)
        self._stream.write(
            f"{self._label}: {self._fraction() * 100:.0f}% ({self._done}/{self._total}, "
            f"{rate:,.0f} bars/s, ETA {eta})\n"
        )
        self._drawn = True
