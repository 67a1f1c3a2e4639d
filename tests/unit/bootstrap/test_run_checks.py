"""The checks every job runs before it records: sizing, shorting, warm-up boundaries."""

from pathlib import Path

import numpy as np
import pytest

from tradekernel.adapters.config.blueprint_loader import LoadedBlueprint
from tradekernel.adapters.data.report import LoadedBars, build_report
from tradekernel.bootstrap.blueprints import bundled_blueprint, load
from tradekernel.bootstrap.container import configured
from tradekernel.bootstrap.run_checks import check_tradable, check_warmup
from tradekernel.domain.errors import ConfigError, DataError
from tradekernel.orchestration.factory.kernel_factory import build_kernel
from tradekernel.shared.bars import BarSeries

HOUR_MS = 3_600_000


def _loaded(text: str, tmp_path: Path) -> LoadedBlueprint:
    path = tmp_path / "blueprint.toml"
    path.write_text(text, encoding="utf-8")
    return load(path)[0]


def _bars(rows: int) -> LoadedBars:
    ts = np.arange(rows, dtype=np.int64) * HOUR_MS
    price = np.full(rows, 10.0)
    series = BarSeries(
        symbol="BTC/USD", ts_ms=ts, open=price, high=price, low=price, close=price, volume=price
    )
    return LoadedBars(series=series, report=build_report("bars.csv", ts), fingerprint="x")


def test_allow_short_is_accepted_only_where_the_account_can_short(tmp_path: Path) -> None:
    text = bundled_blueprint().read_text(encoding="utf-8")
    blueprint, _ = load(bundled_blueprint())
    short = _loaded(text.replace('w_weak = "0"\n', 'w_weak = "0"\nallow_short = true\n'), tmp_path)
    with pytest.raises(ConfigError):
        check_tradable(short)
    check_tradable(short, can_short=True)
    check_tradable(blueprint)


def test_the_holistic_allocator_sizes_its_own_directives() -> None:
    blueprint, _ = load(bundled_blueprint("holistic_portfolio.toml"))
    assert blueprint.settings.allocator.type == "holistic"
    check_tradable(blueprint)


def test_a_warm_up_of_one_bar_less_than_the_data_passes_and_equal_fails() -> None:
    blueprint, catalog = load(bundled_blueprint())
    kernel = build_kernel(blueprint.settings, catalog)  # SMA(30): warm-up 29
    check_warmup(kernel, [_bars(30)])
    with pytest.raises(DataError) as caught:
        check_warmup(kernel, [_bars(40), _bars(29)])
    assert "needs 30 bars before its first value (warm-up 29), the data has 29" in str(caught.value)
    check_warmup(kernel, [])


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ('taker = "0.001"', 'taker = "10"', "fees.taker"),
        ('taker = "0.001"', 'taker = "-1"', "fees.taker"),
        ('maker = "0.001"', 'maker = "1"', "fees.maker"),
        ('slippage_bps = "0"', 'slippage_bps = "20000"', "fees.slippage_bps"),
        ('starting_cash = "100000"', 'starting_cash = "-5"', "account.starting_cash"),
    ],
)
@pytest.mark.parametrize("mode", ["backtest", "paper"])
def test_every_execution_provider_refuses_bad_settings_with_a_config_error(
    tmp_path: Path, mode: str, old: str, new: str, key: str
) -> None:
    path = tmp_path / "blueprint.toml"
    path.write_text(bundled_blueprint().read_text(encoding="utf-8").replace(old, new), "utf-8")
    container = configured(mode=mode, db_path=tmp_path / "runs.db", blueprint_path=path)
    for provider in (container.simulated_venue_settings, container.execution):
        with pytest.raises(ConfigError) as caught:
            provider()
        assert (caught.value.path, caught.value.file) == (key, str(path))
    container.shutdown_resources()
    assert not (tmp_path / "runs.db").exists()
