"""Each threat worker's exact rule and severity, on handcrafted snapshots and accounts."""

from decimal import Decimal

import pytest
from signals_fixtures import ACCOUNT, ASSESSMENT, SYMBOL, snap

from tradekernel.domain.stage_inputs import AccountView
from tradekernel.features.signals.drawdown import MaxDrawdown, MaxDrawdownParams
from tradekernel.features.signals.exposure import (
    ExposureConcentration,
    ExposureConcentrationParams,
)
from tradekernel.features.signals.liquidity import LiquidityCollapse, LiquidityCollapseParams
from tradekernel.features.signals.volatility_spike import VolatilitySpike, VolatilitySpikeParams
from tradekernel.shared.ids import derive_id


def account(
    equity: str, peak: str = "100", exposure: dict[str, Decimal] | None = None
) -> AccountView:
    return AccountView(
        quote_asset="BTC",
        cash=Decimal(equity),
        equity=Decimal(equity),
        peak_equity=Decimal(peak),
        exposure=exposure or {},
    )


@pytest.mark.parametrize(
    ("equity", "warn", "severity"),
    [
        ("80", "1", "1.000000"),  # 20% drawdown breaches a 20% limit
        ("70", "1", "1.000000"),
        ("81", "1", None),
        ("85", "0.5", "0.750000"),  # warning from 10%: 15% / 20%
        ("91", "0.5", None),
    ],
)
def test_max_drawdown_reports_from_the_warning_level(
    equity: str, warn: str, severity: str | None
) -> None:
    worker = MaxDrawdown(MaxDrawdownParams(limit=Decimal("0.2"), warn_fraction=Decimal(warn)))
    threat = worker.evaluate(snap({}), ASSESSMENT, account(equity))
    if severity is None:
        assert threat is None
    else:
        assert threat is not None
        assert threat.severity == Decimal(severity)
        assert threat.symbol is None
        assert threat.signal_id == derive_id("thr", "max_drawdown", "*", 3_600_000)


@pytest.mark.parametrize(
    ("params", "current", "close", "severity"),
    [
        (VolatilitySpikeParams(column="atr", threshold=0.02), {"atr": 2.0}, 100.0, "0.500000"),
        (VolatilitySpikeParams(column="atr", threshold=0.02), {"atr": 3.0}, 100.0, "0.750000"),
        (VolatilitySpikeParams(column="atr", threshold=0.02), {"atr": 1.9}, 100.0, None),
        (VolatilitySpikeParams(column="atr", threshold=0.02), {"atr": 5.0}, 0.0, None),
        (
            VolatilitySpikeParams(column="atr", baseline="atr_slow", threshold=2.0),
            {"atr": 4.0, "atr_slow": 1.0},
            100.0,
            "1.000000",
        ),
        (
            VolatilitySpikeParams(column="atr", baseline="atr_slow", threshold=2.0),
            {"atr": 4.0, "atr_slow": 0.0},
            100.0,
            None,
        ),
        (
            VolatilitySpikeParams(column="atr", baseline="atr_slow", threshold=2.0),
            {"atr": 4.0},
            100.0,
            None,
        ),
        (
            VolatilitySpikeParams(column="bb.width", relative_to_close=False, threshold=0.1),
            {"bb.width": 0.15},
            100.0,
            "0.750000",
        ),
    ],
)
def test_volatility_spike_measure_against_threshold_or_baseline(
    params: VolatilitySpikeParams, current: dict[str, float], close: float, severity: str | None
) -> None:
    threat = VolatilitySpike(params).evaluate(snap(current, close=close), ASSESSMENT, ACCOUNT)
    if severity is None:
        assert threat is None
    else:
        assert threat is not None
        assert (threat.severity, threat.symbol) == (Decimal(severity), SYMBOL)
        assert threat.signal_id == derive_id("thr", "volatility_spike", SYMBOL, 3_600_000)


@pytest.mark.parametrize(
    ("rank", "severity"), [(0.05, "0.750000"), (0.0, "1.000000"), (0.1, None), (0.5, None)]
)
def test_liquidity_collapse_below_the_floor(rank: float, severity: str | None) -> None:
    worker = LiquidityCollapse(LiquidityCollapseParams(column="vp", floor=0.1))
    threat = worker.evaluate(snap({"vp": rank}), ASSESSMENT, ACCOUNT)
    if severity is None:
        assert threat is None
    else:
        assert threat is not None
        assert threat.severity == Decimal(severity)
    assert worker.evaluate(snap({}), ASSESSMENT, ACCOUNT) is None


@pytest.mark.parametrize(
    ("exposure", "equity", "severity"),
    [
        ("60", "100", "0.600000"),  # share 0.6 / (2 * 0.5)
        ("-60", "100", "0.600000"),  # a short is exposure too
        ("150", "100", "1.000000"),
        ("50", "100", None),  # at the cap: not above it
        ("0", "100", None),
        ("10", "0", "1.000000"),
    ],
)
def test_exposure_concentration_above_the_cap(
    exposure: str, equity: str, severity: str | None
) -> None:
    worker = ExposureConcentration(ExposureConcentrationParams(cap=Decimal("0.5")))
    view = account(equity, exposure={SYMBOL: Decimal(exposure), "OTHER": Decimal(1000)})
    threat = worker.evaluate(snap({}), ASSESSMENT, view)
    if severity is None:
        assert threat is None
    else:
        assert threat is not None
        assert (threat.severity, threat.symbol) == (Decimal(severity), SYMBOL)


def test_exposure_in_other_symbols_does_not_concern_this_snapshot() -> None:
    worker = ExposureConcentration(ExposureConcentrationParams(cap=Decimal("0.5")))
    view = account("100", exposure={"OTHER": Decimal(90)})
    assert worker.evaluate(snap({}), ASSESSMENT, view) is None
