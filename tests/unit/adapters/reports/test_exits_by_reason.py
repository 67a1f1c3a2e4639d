"""Exits by reason: counted per closed trade, every reason listed, in summary.json and the
rows the terminal and the HTML report show."""

import json
from decimal import Decimal

import attrs
from report_fixtures import curve, identity, trade

from tradekernel.adapters.reports.metric_rows import metric_rows
from tradekernel.adapters.reports.metrics import compute_metrics, exits_by_reason
from tradekernel.adapters.reports.summary_json import summary_json_text
from tradekernel.domain.enums import ExitReason


def test_exits_are_counted_by_reason_in_the_summary_and_the_report_rows() -> None:
    trades = [
        trade("1"),
        attrs.evolve(trade("-1"), exit_reason=ExitReason.STOP),
        attrs.evolve(trade("-2"), exit_reason=ExitReason.STOP),
        attrs.evolve(trade("2"), exit_reason=ExitReason.TARGET),
    ]
    metrics = compute_metrics(
        curve([100.0, 100.0], 60_000),
        trades,
        starting_cash=Decimal(100),
        total_fees=trades[0].fees,
        bar_interval_ms=60_000,
        exposure=0.5,
    )
    expected = {"signal": 1, "stop": 2, "target": 1, "trailing": 0}
    assert dict(metrics.exits_by_reason) == expected
    document = json.loads(summary_json_text(identity(), metrics))
    assert document["exits_by_reason"] == expected
    rows = dict(metric_rows(metrics))
    assert rows["Exits by reason"] == "signal 1, stop 2, target 1, trailing 0"


def test_liquidations_are_listed_only_when_a_trade_was_liquidated() -> None:
    liquidated = attrs.evolve(trade("-5"), exit_reason=ExitReason.LIQUIDATION)
    assert exits_by_reason([liquidated, trade("1")]) == {
        "signal": 1,
        "stop": 0,
        "target": 0,
        "trailing": 0,
        "liquidation": 1,
    }
    assert "liquidation" not in exits_by_reason([trade("1")])
