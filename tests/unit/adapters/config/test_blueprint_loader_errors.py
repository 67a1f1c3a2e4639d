"""Every documented error shape of the blueprint loader, each naming the file and key path."""

from pathlib import Path

import pytest
from blueprint_texts import EXAMPLE_TEXT, edited, write

from tradekernel.adapters.config.blueprint_loader import load_blueprint
from tradekernel.domain.enums import PluginKind
from tradekernel.domain.errors import ConfigError
from tradekernel.orchestration.kernel.plugin_catalog import builtin_catalog

CATALOG = builtin_catalog()


def _error(tmp_path: Path, text: str) -> tuple[ConfigError, str]:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_blueprint(path, CATALOG)
    return caught.value, str(path)


def test_the_unedited_example_loads_with_its_configured_values(tmp_path: Path) -> None:
    loaded = load_blueprint(write(tmp_path, EXAMPLE_TEXT), CATALOG)
    settings = loaded.settings
    assert settings.name == "sma_cross"
    assert [w.params.period for w in settings.workers] == [10, 30]
    assert str(settings.strategies[0].params.quantity) == "0.01"
    assert settings.strategies[0].params.use_context is False


def test_unknown_top_level_section_lists_the_known_ones(tmp_path: Path) -> None:
    error, file = _error(tmp_path, EXAMPLE_TEXT + "\n[strategyy]\nx = 1\n")
    assert error.path == "(top level)"
    assert error.file == file
    assert str(error).startswith(
        "unknown top-level sections: strategyy (did you mean 'strategy'?) (known: account, "
    )
    assert str(error).endswith(f"@ (top level) @ {file}")


def test_unknown_key_in_a_plugin_table_names_the_key_and_the_plugin_path(tmp_path: Path) -> None:
    error, file = _error(
        tmp_path, edited('type = "budget"', 'type = "budget"\ncash_fractoin = "0.5"')
    )
    assert str(error) == (
        f"1 configuration error(s) in {file}:\n  unknown keys: cash_fractoin "
        "(did you mean 'cash_fraction'?) @ allocation"
    )


def test_unknown_key_in_a_stage_section_lists_the_known_keys(tmp_path: Path) -> None:
    error, file = _error(tmp_path, EXAMPLE_TEXT + "\n[planners.exits]\ntype = 'none'\n")
    assert str(error) == (
        "unknown keys: exits (did you mean 'exit'?) (known: entry, exit, routing, size) "
        f"@ planners @ {file}"
    )


def test_float_where_a_decimal_string_is_required_names_the_value_and_key_path(
    tmp_path: Path,
) -> None:
    text = edited(
        'quantity = "0.01"\n\n[[planners.entry]]', "quantity = 0.02\n\n[[planners.entry]]"
    )
    error, file = _error(tmp_path, text)
    assert str(error) == (
        f"1 configuration error(s) in {file}:\n"
        "  expected a decimal string, got float 0.02 @ strategy.planners[0].quantity"
    )


@pytest.mark.parametrize(
    ("old", "new", "line"),
    [
        ('tick_size = "0.01"', "tick_size = 0.01", "got float 0.01 @ symbols[0].tick_size"),
        ('maker = "0.001"', "maker = 0.001", "got float 0.001 @ fees.maker"),
        ('starting_cash = "100000"', "starting_cash = 1e5", "got float 100000.0 @ account"),
    ],
)
def test_float_decimals_are_refused_in_every_section(
    tmp_path: Path, old: str, new: str, line: str
) -> None:
    error, _ = _error(tmp_path, edited(old, new))
    assert f"expected a decimal string, {line}" in str(error)


def test_a_non_numeric_decimal_string_is_refused(tmp_path: Path) -> None:
    error, _ = _error(tmp_path, edited('starting_cash = "100000"', 'starting_cash = "lots"'))
    assert "expected a decimal string, got str 'lots' @ account.starting_cash" in str(error)


def test_an_infinite_decimal_is_refused(tmp_path: Path) -> None:
    error, _ = _error(tmp_path, edited('starting_cash = "100000"', 'starting_cash = "Infinity"'))
    assert "expected a finite decimal, got str 'Infinity' @ account.starting_cash" in str(error)


def test_the_string_false_is_refused_for_a_bool(tmp_path: Path) -> None:
    error, _ = _error(tmp_path, edited("use_context = false", 'use_context = "false"'))
    assert "expected true or false, got str 'false' @ strategy.planners[0].use_context" in str(
        error
    )


def test_a_float_is_refused_for_an_int(tmp_path: Path) -> None:
    error, _ = _error(tmp_path, edited("period = 10", "period = 1.9"))
    assert "expected an integer, got float 1.9 @ context.workers[0].period" in str(error)


def test_an_integer_is_refused_for_a_string(tmp_path: Path) -> None:
    error, _ = _error(tmp_path, edited('key = "sma_fast"', "key = 3"))
    assert "expected a string, got int 3 @ context.workers[0].key" in str(error)


def test_unknown_plugin_type_lists_the_known_types_of_its_kind(tmp_path: Path) -> None:
    error, file = _error(tmp_path, edited('type = "ma_crossover"', 'type = "ma_crosover"'))
    known = sorted(name for kind, name in CATALOG if kind is PluginKind.OPPORTUNITY)
    assert str(error) == (
        "unknown opportunity type 'ma_crosover' (did you mean 'ma_crossover'?) "
        f"(known: {', '.join(known)}) "
        f"@ signals.opportunities[0].type @ {file}"
    )


def test_a_plugin_table_without_type_names_the_missing_key(tmp_path: Path) -> None:
    error, _ = _error(tmp_path, edited('type = "ma_crossover"\n', ""))
    assert error.path == "signals.opportunities[0].type"
    assert "required key 'type' is missing" in str(error)


def test_a_missing_required_param_names_its_key_path(tmp_path: Path) -> None:
    error, _ = _error(
        tmp_path, edited('quantity = "0.01"\n\n[[planners.exit]]', "[[planners.exit]]")
    )
    assert "required key 'quantity' is missing @ planners.size[0].quantity" in str(error)


def test_a_bad_enum_value_is_reported_at_its_key_path(tmp_path: Path) -> None:
    error, file = _error(tmp_path, edited('order_type = "market"', 'order_type = "markt"'))
    assert error.file == file
    assert "'markt'" in str(error)
    assert str(error).endswith("@ strategy.planners[0].order_type")


def test_a_bad_enum_value_lists_the_allowed_values(tmp_path: Path) -> None:
    error, _ = _error(tmp_path, edited('order_type = "market"', 'order_type = "markt"'))
    assert "expected one of 'market', 'limit', 'stop', 'stop_limit', got 'markt'" in str(error)


def test_a_bad_selection_enum_is_reported_at_the_planner_path(tmp_path: Path) -> None:
    text = edited(
        '[[planners.entry]]\ntype = "market"',
        '[[planners.entry]]\ntype = "market"\nscopes = ["new_trade", "nope"]',
    )
    error, _ = _error(tmp_path, text)
    assert "'nope'" in str(error)
    assert str(error).endswith("@ planners.entry[0].scopes[1]")


def test_an_out_of_range_value_reports_the_validator_message_at_the_plugin_path(
    tmp_path: Path,
) -> None:
    error, file = _error(
        tmp_path, edited('type = "budget"', 'type = "budget"\ncash_fraction = "1.5"')
    )
    assert str(error) == (
        f"1 configuration error(s) in {file}:\n  AllocationParams.cash_fraction: expected a "
        "decimal string in (0, 1], got Decimal('1.5') @ allocation"
    )


def test_a_period_below_its_minimum_reports_the_field_at_the_worker_path(tmp_path: Path) -> None:
    error, _ = _error(tmp_path, edited("period = 10", "period = 0"))
    assert "period must be >= 1, got 0 @ context.workers[0]" in str(error)


def test_a_confidence_range_outside_zero_to_one_is_refused(tmp_path: Path) -> None:
    text = edited(
        '[[planners.entry]]\ntype = "market"',
        '[[planners.entry]]\ntype = "market"\nmin_confidence = "1.5"',
    )
    error, _ = _error(tmp_path, text)
    assert error.path.startswith("planners.entry[0]")


def test_selection_keys_on_a_non_planner_plugin_are_refused(tmp_path: Path) -> None:
    error, file = _error(tmp_path, edited("period = 10", 'period = 10\nmin_confidence = "0.5"'))
    assert str(error) == (
        f"min_confidence apply only to trade planners @ context.workers[0] @ {file}"
    )


def test_a_plugin_reading_a_column_no_worker_provides_lists_the_provided_ones(
    tmp_path: Path,
) -> None:
    error, file = _error(tmp_path, edited('fast = "sma_fast"', 'fast = "ema_fast"'))
    assert str(error) == (
        "reads feature column 'ema_fast' that no context worker provides "
        f"(provided: sma_fast, sma_slow) @ signals.opportunities[0] @ {file}"
    )


def test_a_blueprint_without_a_strategy_planner_is_refused(tmp_path: Path) -> None:
    start = EXAMPLE_TEXT.index("[[strategy.planners]]")
    end = EXAMPLE_TEXT.index("[[planners.entry]]")
    error, file = _error(tmp_path, EXAMPLE_TEXT[:start] + EXAMPLE_TEXT[end:])
    assert str(error) == (
        f"a blueprint needs at least one strategy planner @ strategy.planners @ {file}"
    )


def test_a_toml_syntax_error_names_the_line(tmp_path: Path) -> None:
    text = edited("period = 30", "period = = 30")
    line = text.splitlines().index("period = = 30") + 1
    error, file = _error(tmp_path, text)
    assert error.file == file
    assert f"invalid TOML: Invalid value (at line {line}, column 10) @ {file}" == str(error)


def test_a_missing_file_names_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    with pytest.raises(ConfigError) as caught:
        load_blueprint(missing, CATALOG)
    assert str(caught.value) == f"cannot read config file: No such file or directory @ {missing}"
    assert caught.value.file == str(missing)


def test_omitted_stages_get_the_documented_default_plugins(tmp_path: Path) -> None:
    start = EXAMPLE_TEXT.index("[[planners.entry]]")
    end = EXAMPLE_TEXT.index("[[planners.size]]")
    text = EXAMPLE_TEXT[:start] + EXAMPLE_TEXT[end:]
    text = text[: text.index("[[planners.exit]]")] + "[allocation]\ntype = 'budget'\n"
    settings = load_blueprint(write(tmp_path, text), CATALOG).settings
    defaults = {
        "aggregator": settings.aggregator,
        "entry": settings.entry[0],
        "exit": settings.exit[0],
        "routing": settings.routing[0],
    }
    assert {stage: plugin.type for stage, plugin in defaults.items()} == {
        "aggregator": "score",
        "entry": "market",
        "exit": "none",
        "routing": "immediate",
    }
    assert settings.entry[0].path == "planners.entry[default]"
    assert settings.threats == ()


def test_a_blueprint_without_a_size_planner_loads_with_the_default(tmp_path: Path) -> None:
    start = EXAMPLE_TEXT.index("[[planners.size]]")
    end = EXAMPLE_TEXT.index("[[planners.exit]]")
    settings = load_blueprint(
        write(tmp_path, EXAMPLE_TEXT[:start] + EXAMPLE_TEXT[end:]), CATALOG
    ).settings
    assert settings.size[0].path == "planners.size[default]"
