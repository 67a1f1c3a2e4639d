"""report.html parsed back: charts, tables, escaping and no external reference."""

from html.parser import HTMLParser

import numpy as np
from report_fixtures import HOUR_MS, curve, identity, trade, two_year_metrics

from tradekernel.adapters.reports.metric_rows import metric_rows
from tradekernel.adapters.reports.report_html import report_html_text


class _Structure(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.polylines: dict[str, int] = {}
        self.rows: dict[str, int] = {}
        self.tags: set[str] = set()
        self.attribute_values: list[str] = []
        self._table: str | None = None
        self._in_tbody = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.tags.add(tag)
        self.attribute_values.extend(v for v in values.values() if v is not None)
        if tag == "polyline":
            self.polylines[values["class"] or ""] = len((values["points"] or "").split())
        elif tag == "table":
            self._table = values["class"]
            self.rows[self._table or ""] = 0
        elif tag == "tbody":
            self._in_tbody = True
        elif tag == "tr" and self._in_tbody and self._table is not None:
            self.rows[self._table] += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "tbody":
            self._in_tbody = False
        elif tag == "table":
            self._table = None


def _parse(text: str) -> _Structure:
    parser = _Structure()
    parser.feed(text)
    parser.close()
    return parser


def test_report_has_both_charts_and_every_table_row() -> None:
    equity, metrics = two_year_metrics()
    trades = [trade("10"), trade("-5"), trade("3")]
    text = report_html_text(identity(), metrics, equity, trades)
    structure = _parse(text)
    assert structure.polylines == {"equity": 3, "drawdown": 3}
    assert structure.rows["trades"] == 3
    assert structure.rows["metrics"] == len(metric_rows(metrics))
    assert structure.rows["identity"] == 8  # ids, hashes, strategy, symbols, period
    assert "plan-xyz" in text


def test_long_curve_is_downsampled_keeping_extremes() -> None:
    count = 50_000
    rising = curve(list(np.linspace(100.0, 200.0, count)), HOUR_MS)
    _, metrics = two_year_metrics()
    structure = _parse(report_html_text(identity(), metrics, rising, []))
    # 999 buckets of a strictly rising line keep their first and last points.
    assert structure.polylines["equity"] == 1_998
    # The drawdown of a rising line is flat: one point per bucket plus the last point.
    assert structure.polylines["drawdown"] == 1_000
    assert structure.rows["trades"] == 0


def test_report_is_self_contained_and_escapes_text() -> None:
    equity, metrics = two_year_metrics()
    hostile = identity('<script>alert("x")</script>')
    text = report_html_text(hostile, metrics, equity, [trade("1", symbol="A&B<C>")])
    structure = _parse(text)
    lowered = text.lower()
    assert "http://" not in lowered
    assert "https://" not in lowered
    assert "<script" not in lowered
    assert "&lt;script&gt;" in text
    assert "A&amp;B&lt;C&gt;" in text
    assert not {"script", "link", "img", "iframe"} & structure.tags
    assert not [v for v in structure.attribute_values if "//" in v or v.startswith("url(")]
