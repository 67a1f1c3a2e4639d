"""A perpetual run's figures: per side, funding, leverage, liquidations; spot unchanged."""

import json
from decimal import Decimal

import attrs
from tests.unit.adapters.reports.report_fixtures import identity, trade, two_year_metrics

from tradekernel.adapters.reports.metric_rows import metric_rows
from tradekernel.adapters.reports.perpetual_metrics import perpetual_metrics
from tradekernel.adapters.reports.summary_json import summary_document, summary_json_text
from tradekernel.adapters.reports.terminal import summary_table
from tradekernel.domain.enums import Side
from tradekernel.domain.ports.simulation import PerpetualStats

STATS = PerpetualStats(
    funding_paid=Decimal("1.5"),
    funding_received=Decimal("0.25"),
    max_leverage_used=Decimal("4.5"),
    liquidations=1,
)


def test_longs_and_shorts_are_counted_apart_with_their_pnl() -> None:
    short = attrs.evolve(trade("-4"), side=Side.SELL)
    figures = perpetual_metrics(STATS, [trade("10"), trade("-3"), short])
    assert (figures.long_trades, figures.long_pnl) == (2, Decimal(7))
    assert (figures.short_trades, figures.short_pnl) == (1, Decimal(-4))
    assert figures.net_funding == Decimal("-1.25")


def test_summary_json_adds_a_perpetual_object_only_for_a_perpetual_run() -> None:
    _, spot = two_year_metrics()
    assert "perpetual" not in summary_document(identity(), spot)
    assert "Liquidations" not in summary_table(spot, title="Backtest summary")
    perp = attrs.evolve(spot, perpetual=perpetual_metrics(STATS, [trade("10")]))
    document = json.loads(summary_json_text(identity(), perp))
    assert document["schema_version"] == 2
    assert document["perpetual"] == {
        "long_trades": 1,
        "short_trades": 0,
        "long_pnl": 10.0,
        "short_pnl": 0.0,
        "funding_paid": 1.5,
        "funding_received": 0.25,
        "net_funding": -1.25,
        "max_leverage_used": 4.5,
        "liquidations": 1,
    }
    rows = dict(metric_rows(perp))
    assert rows["Max leverage used"] == "4.50x"
    assert rows["Long trades"] == "1 (PnL 10.00)"
    assert "Funding received" in summary_table(perp, title="Backtest summary")
