"""trades.csv and summary.json content, and write_outputs creating the three files."""

import csv
import io
import json
import os
from decimal import Decimal
from pathlib import Path

import pytest
from report_fixtures import curve, identity, trade, two_year_metrics

from tradekernel.adapters.reports.summary_json import summary_json_text
from tradekernel.adapters.reports.trades_csv import trades_csv_text
from tradekernel.adapters.reports.writer import check_output_dir, write_outputs
from tradekernel.domain.enums import Side
from tradekernel.domain.errors import OutputError
from tradekernel.domain.trades import ClosedTrade


def test_trades_csv_has_the_header_and_plain_decimal_strings() -> None:
    tiny = ClosedTrade(
        symbol="ETH/BTC",
        side=Side.SELL,
        entry_time_ms=1_600_000_000_000,
        entry_price=Decimal("0.0345"),
        exit_time_ms=1_600_000_360_000,
        exit_price=Decimal("0.0340"),
        qty=Decimal("1E+1"),
        fees=Decimal("1E-8"),
        pnl=Decimal("0.00499999"),
        entry_order_id="tkentry",
        is_open=True,
    )
    text = trades_csv_text([trade("-2.50"), tiny])
    lines = text.splitlines()
    assert lines[0] == (
        "symbol,side,status,entry_time_ms,entry_time,entry_price,exit_time_ms,exit_time,"
        "exit_price,qty,fees,pnl,entry_order_id,exit_order_id,exit_reason"
    )
    assert lines[1] == (
        "BTC/USDT,buy,closed,0,1970-01-01T00:00:00Z,100.50,3600000,1970-01-01T01:00:00Z,"
        "101.25,0.5,0.1,-2.50,,,signal"
    )
    assert lines[2] == (
        "ETH/BTC,sell,open,1600000000000,2020-09-13T12:26:40Z,0.0345,1600000360000,"
        "2020-09-13T12:32:40Z,0.0340,10,0.00000001,0.00499999,tkentry,,"
    )
    rows = list(csv.DictReader(io.StringIO(text)))
    assert Decimal(rows[1]["fees"]) == tiny.fees
    assert len(rows) == 2


def test_trades_csv_without_trades_is_the_header_only() -> None:
    assert trades_csv_text([]) == (
        "symbol,side,status,entry_time_ms,entry_time,entry_price,exit_time_ms,exit_time,"
        "exit_price,qty,fees,pnl,entry_order_id,exit_order_id,exit_reason\n"
    )


def test_summary_json_has_sorted_keys_identity_and_numbers_with_the_terminal_signs() -> None:
    _, metrics = two_year_metrics()
    text = summary_json_text(identity("run-7"), metrics)
    document = json.loads(text)
    assert text == json.dumps(document, sort_keys=True, indent=2) + "\n"
    assert document["schema_version"] == 2
    assert document["run_id"] == "run-7"
    assert document["config_hash"] == "cfg-abc"
    assert document["data_fingerprint"] == "data-123"
    assert document["plan_hash"] == "plan-xyz"
    values = document["metrics"]
    assert values["trade_count"] == 4
    assert values["final_equity"] == 121.0
    assert values["fees"] == 1.25
    assert values["average_trade"] == 1.5
    # The terminal shows the drawdown negative; so does the file.
    assert values["max_drawdown"] == pytest.approx(-0.2)
    assert values["cagr"] == pytest.approx(0.1)
    assert values["notes"] == []
    # One JSON type per field: numbers (or null when undefined), never number-strings.
    for name, value in values.items():
        if name != "notes":
            assert value is None or isinstance(value, int | float), name


def test_summary_json_writes_undefined_ratios_as_null() -> None:
    from tradekernel.adapters.reports.metrics import compute_metrics

    flat = compute_metrics(
        curve([100.0], 1_000),
        [],
        starting_cash=Decimal(100),
        total_fees=Decimal(0),
        bar_interval_ms=1_000,
        exposure=0.0,
    )
    document = json.loads(summary_json_text(identity(), flat))
    assert document["metrics"]["cagr"] is None
    assert document["metrics"]["profit_factor"] is None
    assert document["metrics"]["notes"]


def test_write_outputs_creates_the_directory_and_the_three_files(tmp_path: Path) -> None:
    equity, metrics = two_year_metrics()
    trades = [trade("10"), trade("-5")]
    out = tmp_path / "out" / "nested"
    paths = write_outputs(out, identity=identity(), metrics=metrics, curve=equity, trades=trades)
    assert sorted(p.name for p in out.iterdir()) == ["report.html", "summary.json", "trades.csv"]
    assert paths.trades_csv.read_text(encoding="utf-8") == trades_csv_text(trades)
    assert json.loads(paths.summary_json.read_text(encoding="utf-8"))["run_id"] == "run-1"
    assert paths.report_html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_write_outputs_into_a_file_path_is_an_output_error_naming_it(tmp_path: Path) -> None:
    blocker = tmp_path / "taken"
    blocker.write_text("not a directory")
    equity, metrics = two_year_metrics()
    with pytest.raises(OutputError, match=r"^cannot create output directory: ") as caught:
        write_outputs(blocker, identity=identity(), metrics=metrics, curve=equity, trades=[])
    assert caught.value.path == str(blocker)


def test_a_report_file_that_cannot_be_written_is_an_output_error_naming_the_file(
    tmp_path: Path,
) -> None:
    (tmp_path / "summary.json").mkdir()  # a directory where the file must go
    equity, metrics = two_year_metrics()
    with pytest.raises(OutputError, match=r"^cannot write file: ") as caught:
        write_outputs(tmp_path, identity=identity(), metrics=metrics, curve=equity, trades=[])
    assert caught.value.path == str(tmp_path / "summary.json")


@pytest.mark.parametrize(
    ("out", "message"),
    [("taken", "the output directory is a file"), ("taken/sub", "a parent is a file")],
)
def test_check_output_dir_refuses_a_file_in_the_way(tmp_path: Path, out: str, message: str) -> None:
    (tmp_path / "taken").write_text("not a directory")
    with pytest.raises(OutputError, match=message) as caught:
        check_output_dir(tmp_path / out)
    assert caught.value.path == str(tmp_path / "taken")


def test_check_output_dir_refuses_a_directory_it_may_not_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # File modes do not bind root, and tests may run as root: stand in for a read-only mount.
    monkeypatch.setattr(os, "access", lambda path, mode: Path(path) != tmp_path)
    with pytest.raises(OutputError, match=r"^output directory is not writable @ ") as caught:
        check_output_dir(tmp_path / "new")
    assert caught.value.path == str(tmp_path)


def test_check_output_dir_accepts_a_directory_still_to_be_created(tmp_path: Path) -> None:
    check_output_dir(tmp_path / "a" / "b")
    assert not (tmp_path / "a").exists()  # checking creates nothing
