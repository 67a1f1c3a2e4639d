"""What a paper replay trades on: recorded series, and where a restarted bot resumes."""

from collections.abc import Mapping

from tradekernel.shared.bars import BarSeries


class ReplaySource:
    """Recorded series replayed on their shared timeline (the backtest's), bar by bar.

    Bars before `resume_from_ms` are warm-up: a restarted bot feeds them to the venue and
    continues planning at `resume_from_ms`.
    """

    def __init__(self, series: Mapping[str, BarSeries], *, resume_from_ms: int | None = None):
        self.series = {symbol: series[symbol] for symbol in sorted(series)}
        self.resume_from_ms = resume_from_ms

    def __len__(self) -> int:
        """Return how many bar times the replay plans on."""
        times: set[int] = set()
        for series in self.series.values():
            times.update(int(t) for t in series.ts_ms.tolist())
        start = self.resume_from_ms
        return len(times) if start is None else sum(1 for t in times if t >= start)
