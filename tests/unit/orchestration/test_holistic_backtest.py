"""The holistic allocation mode end to end: blueprint loading, the kernel, a real backtest."""

import contextlib
import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest

from tradekernel.adapters.config.blueprint_loader import parse_blueprint
from tradekernel.adapters.config.toml_file import read_toml
from tradekernel.bootstrap.cli import main
from tradekernel.bootstrap.plugins import full_catalog
from tradekernel.domain.errors import ConfigError
from tradekernel.domain.holistic_allocation import HolisticAllocationSettings
from tradekernel.orchestration.factory.kernel_factory import build_kernel
from tradekernel.orchestration.holistic.holistic_kernel import HolisticPlanningKernel

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "examples" / "holistic_portfolio.toml"
DATA = ROOT / "tests" / "data"
SYMBOLS = {"ADA/BTC": "ADA-BTC", "ETH/BTC": "ETH-BTC", "TRX/BTC": "TRX-BTC"}
MIN_NOTIONAL = Decimal("0.0005")


def _backtest(directory: Path, name: str) -> str:
    args = ["backtest", "--quiet", "--config", str(EXAMPLE), "--db", str(directory / f"{name}.db")]
    for symbol, stem in SYMBOLS.items():
        args += ["--data", f"{symbol}={DATA / f'bittrex_{stem}_5m.csv'}"]
    args += ["--out", str(directory / name)]
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        assert main(args) == 0
    return out.getvalue()


def test_the_example_blueprint_builds_a_holistic_kernel_with_the_blueprint_fee() -> None:
    _text, data = read_toml(EXAMPLE)
    catalog = full_catalog([])
    settings = parse_blueprint(data, catalog, file=str(EXAMPLE))
    params = settings.allocator.params
    assert isinstance(params, HolisticAllocationSettings)
    assert params.accept_closes and params.propose_directives
    assert params.planner.simulation.fee_rate == settings.fees.taker
    assert params.planner.simulation.cash_reserve == Decimal("0.1")
    assert isinstance(build_kernel(settings, catalog), HolisticPlanningKernel)


def test_a_backtest_of_the_example_on_three_real_symbols_trades_and_repeats_its_plans(
    tmp_path: Path,
) -> None:
    first = _backtest(tmp_path, "a")
    second = _backtest(tmp_path, "b")
    trades = re.search(r"^Trades\s+(\d+)$", first, re.MULTILINE)
    assert trades is not None and int(trades.group(1)) > 0
    hashes = [re.search(r"run plan hash (\w+)", out) for out in (first, second)]
    assert hashes[0] is not None and hashes[1] is not None
    assert hashes[0].group(1) == hashes[1].group(1)
    with (tmp_path / "a" / "trades.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert {row["symbol"] for row in rows} <= set(SYMBOLS)
    for row in rows:
        # The planner's simulation refuses any trade below the symbol's min notional.
        assert Decimal(row["qty"]) * Decimal(row["entry_price"]) >= MIN_NOTIONAL


def _with_allocation(tmp_path: Path, allocation: str) -> Path:
    text = EXAMPLE.read_text(encoding="utf-8")
    head = text[: text.index("[allocation]")]
    path = tmp_path / "blueprint.toml"
    path.write_text(head + allocation, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("allocation", "message", "key"),
    [
        (
            '[allocation]\ntype = "holistic"\n[allocation.portfolio]\npreset = "bold"\n',
            "unknown preset 'bold'",
            "allocation.portfolio.preset",
        ),
        (
            '[allocation]\ntype = "holistic"\n[allocation.portfolio]\ncapital_share = "0.5"\n',
            "capital_share does not apply",
            "allocation.portfolio.capital_share",
        ),
        (
            '[allocation]\ntype = "holistic"\n[allocation.portfolio.simulation]\n'
            'cash_reserve = "1.5"\n',
            "must be within",
            "allocation.portfolio.simulation.cash_reserve",
        ),
        (
            '[allocation]\ntype = "holistic"\naccept_closes = "yes"\n',
            "expected true or false",
            "allocation.accept_closes",
        ),
    ],
)
def test_bad_holistic_allocation_tables_name_the_key_path_and_file(
    tmp_path: Path, allocation: str, message: str, key: str
) -> None:
    path = _with_allocation(tmp_path, allocation)
    _text, data = read_toml(path)
    with pytest.raises(ConfigError) as caught:
        parse_blueprint(data, full_catalog([]), file=str(path))
    assert message in caught.value.message
    # Structuring errors list every bad key as "... @ key" under the table's path.
    assert caught.value.path == key or f"@ {key}" in caught.value.message
    assert caught.value.file == str(path)
