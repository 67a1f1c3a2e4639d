from decimal import Decimal
from pathlib import Path

import pytest

from tradekernel.adapters.config.portfolio_loader import load_portfolio
from tradekernel.domain.errors import ConfigError

STATE = """
[state]
quote_asset = "USDT"
now_ms = 1767225600000
cash = "1000"
[state.markets."BTC/USDT"]
mark = "50000"
tick_size = "0.01"
step_size = "0.0001"
min_notional = "5"
score = "0.8"
[[state.holdings]]
symbol = "BTC/USDT"
quantity = "0.01"
avg_price = "40000"
bucket = "core"
"""


CORE = '[portfolio.buckets.core]\ncapital_share = "1"\n'


def _write(tmp_path: Path, body: str, state: str = STATE) -> Path:
    path = tmp_path / "portfolio.toml"
    path.write_text(body + state)
    return path


def _params(setup, kind: str, name: str):  # type: ignore[no-untyped-def]
    return next(
        m.params for m in getattr(setup.buckets[0].planner.settings, kind) if m.name == name
    )


def test_module_overrides_merge_into_the_preset_and_enabled_false_drops_a_module(
    tmp_path: Path,
) -> None:
    setup = load_portfolio(
        _write(
            tmp_path,
            """
[portfolio.buckets.core]
capital_share = "1"
preset = "default"
[portfolio.buckets.core.modules.calculators.profit_taking]
gain_threshold = "0.4"
[portfolio.buckets.core.modules.patterns.mixed]
enabled = false
[portfolio.buckets.core.modules.filters.recently_traded]
window_ms = 1000
[portfolio.buckets.core.evaluation]
seed = 99
""",
        )
    )
    settings = setup.buckets[0].planner.settings
    assert _params(setup, "calculators", "profit_taking").gain_threshold == Decimal("0.4")
    assert _params(setup, "calculators", "profit_taking").sell_fraction == Decimal("0.5")
    assert "mixed" not in {m.name for m in settings.patterns}
    assert _params(setup, "filters", "recently_traded").window_ms == 1000
    assert settings.evaluation.seed == 99 and settings.evaluation.alignment_weight == Decimal("0.4")
    assert setup.state.cash == Decimal("1000") and setup.assignment == {"BTC/USDT": "core"}
    assert setup.state.scores == {"BTC/USDT": Decimal("0.8")}


def test_bucket_config_file_is_read_relative_to_the_config(tmp_path: Path) -> None:
    (tmp_path / "sat.toml").write_text('preset = "aggressive"\n[search]\nmax_actions = 2\n')
    setup = load_portfolio(
        _write(
            tmp_path,
            """
[portfolio.buckets.core]
capital_share = "0.5"
[portfolio.buckets.sat]
capital_share = "0.5"
config = "sat.toml"
""",
        )
    )
    sat = next(b for b in setup.buckets if b.name == "sat").planner.settings
    assert sat.search.max_actions == 2
    assert sat.simulation.cash_reserve == Decimal("0.02")  # from the aggressive preset


@pytest.mark.parametrize(
    ("body", "path"),
    [
        (
            CORE + "[portfolio.buckets.core.modules.calculators.nope]\n",
            "portfolio.buckets.core.modules.calculators.nope",
        ),
        (
            CORE + "[portfolio.buckets.core.modules.gadgets.x]\n",
            "portfolio.buckets.core.modules.gadgets",
        ),
        (
            '[portfolio.buckets.core]\ncapital_share = "1"\ntarget_source = "config"\n',
            "portfolio.buckets.core.modules.calculators.rebalance_sells",
        ),
        (
            CORE.replace('"1"', '"0.7"') + '[portfolio.buckets.sat]\ncapital_share = "0.7"\n',
            "portfolio.buckets",
        ),
    ],
)
def test_bad_configs_name_their_key_path_and_file(tmp_path: Path, body: str, path: str) -> None:
    with pytest.raises(ConfigError) as error:
        load_portfolio(_write(tmp_path, body))
    assert error.value.path == path
    assert error.value.file == str(tmp_path / "portfolio.toml")


def test_bad_override_value_is_reported_with_its_full_path(tmp_path: Path) -> None:
    body = (
        '[portfolio.buckets.core]\ncapital_share = "1"\n'
        "[portfolio.buckets.core.modules.calculators.profit_taking]\ngain_threshold = 0.4\n"
    )
    with pytest.raises(
        ConfigError,
        match=r"got float 0\.4 @ portfolio\.buckets\.core\.modules\.calculators\."
        r"profit_taking\.gain_threshold",
    ):
        load_portfolio(_write(tmp_path, body))


def test_holding_without_a_market_entry_names_the_holding(tmp_path: Path) -> None:
    state = STATE.replace('symbol = "BTC/USDT"', 'symbol = "ETH/USDT"')
    with pytest.raises(ConfigError) as error:
        load_portfolio(_write(tmp_path, '[portfolio.buckets.core]\ncapital_share = "1"\n', state))
    assert error.value.path == "state.holdings[0].symbol"
