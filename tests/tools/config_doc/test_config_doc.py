"""docs/config.md: the generated plugin tables are current and every table renders."""

import re
from pathlib import Path

import attrs
import pytest
from tools.config_doc.__main__ import CONFIG_DOC, main
from tools.config_doc.render import DocError, render_plugins, render_section

from tradekernel.domain.blueprint import ExecutionPolicy
from tradekernel.domain.enums import PluginKind
from tradekernel.domain.plugin_spec import PluginSpec
from tradekernel.orchestration.kernel.plugin_catalog import builtin_specs


def test_the_committed_config_doc_equals_the_generated_one() -> None:
    # On failure: run `python -m tools.config_doc` and commit docs/config.md.
    assert main(["--check"]) == 0


def _cells(row: str) -> int:
    return len(re.split(r"(?<!\\)\|", row.strip())) - 2


def test_every_markdown_table_row_has_as_many_cells_as_its_header() -> None:
    for doc in sorted(Path(CONFIG_DOC).parent.glob("*.md")):
        header: int | None = None
        for number, line in enumerate(doc.read_text(encoding="utf-8").splitlines(), 1):
            if not line.startswith("|"):
                header = None
                continue
            if header is None:
                header = _cells(line)
            assert _cells(line) == header, f"{doc.name}:{number}: {line}"


def test_every_signal_and_threat_has_its_score_formula_documented() -> None:
    text = CONFIG_DOC.read_text(encoding="utf-8")
    for spec in builtin_specs():
        heading = f"#### `{spec.kind.value}` `{spec.name}`"
        if spec.kind in (PluginKind.OPPORTUNITY, PluginKind.THREAT):
            block = text.split(heading, 1)[1].split("####", 1)[0]
            word = "Confidence: " if spec.kind is PluginKind.OPPORTUNITY else "Severity: "
            assert word in block, spec.name


@attrs.frozen(kw_only=True)
class _NewParams:
    key: str = "k"
    period: int = 3
    source: str = "close"
    brand_new: str = "x"


def test_a_param_without_a_documented_rule_is_an_error() -> None:
    specs = [
        attrs.evolve(spec, params=_NewParams)
        if (spec.kind, spec.name) == (PluginKind.CONTEXT_WORKER, "sma")
        else spec
        for spec in builtin_specs()
    ]
    with pytest.raises(DocError, match=r"context_worker\.sma\.brand_new: no rule"):
        render_plugins(specs)


def test_a_new_threat_without_a_severity_formula_is_an_error() -> None:
    new = PluginSpec(kind=PluginKind.THREAT, name="brand_new", params=_NewParams, factory=object)
    with pytest.raises(DocError, match=r"threat\.brand_new: no formula"):
        render_plugins([*builtin_specs(), new])


def test_optional_types_render_without_a_pipe() -> None:
    text = render_plugins(builtin_specs())
    assert "| None" not in text
    assert "`max_open_positions` | int or absent | absent |" in text


@attrs.frozen(kw_only=True)
class _GrownAccount:
    # Every [account] key sections.toml describes, plus one it does not.
    quote_asset: str = "USDT"
    starting_cash: str = "1"
    market_type: str = "spot"
    leverage: int = 1
    margin_mode: str = "isolated"
    position_mode: str = "one_way"
    maintenance_margin_rate: str = "0.005"
    liquidation_fee_rate: str = "0.005"
    funding_interval_hours: int = 8
    funding_rate: str | None = None
    funding_files: dict[str, str] = attrs.field(factory=dict)
    mark_price_files: dict[str, str] = attrs.field(factory=dict)
    hedge_ratio: str = "0"


def test_a_section_key_without_a_meaning_is_an_error() -> None:
    with pytest.raises(DocError, match=r"\[account\]\.hedge_ratio: no meaning"):
        render_section("account", _GrownAccount)


def test_section_tables_speak_toml_types() -> None:
    text = render_section("execution", ExecutionPolicy)
    assert '| `rollback` | string | `"keep"` |' in text
    assert "| `fallback_on` | list of strings | `[]` |" in text
