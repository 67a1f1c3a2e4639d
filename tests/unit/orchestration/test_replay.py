"""Replay parity: recorded cycles re-plan identically; a change is found and named by path."""

import json
import tomllib
from decimal import Decimal
from importlib import resources
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tradekernel.adapters.backtest.settings import VenueSettings
from tradekernel.adapters.backtest.venue import BacktestVenue
from tradekernel.adapters.config.blueprint_loader import parse_blueprint
from tradekernel.adapters.data.bundled import bundled_path
from tradekernel.adapters.data.loader import load_bars
from tradekernel.domain.errors import DataError
from tradekernel.domain.plan import Plan
from tradekernel.domain.ports.journal import JournalEntry
from tradekernel.orchestration.backtest.engine import BacktestEngine, BacktestRequest
from tradekernel.orchestration.cycle.replay import (
    Difference,
    compare_plan_texts,
    describe_report,
    diff_json,
    replay_entries,
)
from tradekernel.orchestration.factory.kernel_factory import build_kernel
from tradekernel.orchestration.kernel.planning_kernel import PlanningKernel
from tradekernel.orchestration.kernel.plugin_catalog import builtin_catalog
from tradekernel.shared.bars import BarSeries

SMA_TEXT = resources.files("tradekernel").joinpath("examples", "sma_cross.toml").read_text()
CATALOG = builtin_catalog()


def _kernel(text: str) -> PlanningKernel:
    return build_kernel(parse_blueprint(tomllib.loads(text), CATALOG, file="t.toml"), CATALOG)


SERIES = {"BTC/USD": load_bars(bundled_path(), "BTC/USD").series.head(2500)}


def _recorded(kernel: PlanningKernel) -> list[JournalEntry]:
    entries: list[JournalEntry] = []

    def sink(plan: Plan, digest: str, text: str, context: str) -> None:
        entries.append(
            JournalEntry(
                run_id="r1",
                cycle_ts_ms=plan.cycle_ts_ms,
                plan_hash=digest,
                plan_json=text,
                context_json=context,
            )
        )

    venue = BacktestVenue(VenueSettings(starting_cash=Decimal(100000), quote_asset="USD"))
    BacktestEngine(kernel, venue, on_plan=sink).run(
        BacktestRequest(
            run_id="r1",
            series=SERIES,
            rules={"BTC/USD": _rules()},
        )
    )
    return entries


def _rules() -> Any:
    settings_ = parse_blueprint(tomllib.loads(SMA_TEXT), CATALOG, file="t.toml")
    return settings_.rules_for("BTC/USD")


KERNEL = _kernel(SMA_TEXT)
ENTRIES = _recorded(KERNEL)


def test_the_recorded_backtest_has_cycles_with_intents() -> None:
    assert len(ENTRIES) > 10
    assert all(json.loads(e.plan_json)["intents"] for e in ENTRIES)


def test_replaying_a_fresh_backtest_with_the_same_kernel_is_identical() -> None:
    seen: list[tuple[int, int]] = []
    report = replay_entries(
        _kernel(SMA_TEXT), ENTRIES, SERIES, run_id="r1", progress=lambda d, t: seen.append((d, t))
    )
    assert report.identical
    assert report.cycles == report.total == len(ENTRIES)
    assert seen[-1] == (len(ENTRIES), len(ENTRIES))
    assert list(describe_report(report)) == [f"identical: {len(ENTRIES)} cycles (run r1)"]


def test_a_changed_quantity_is_reported_at_the_first_cycle_with_the_intent_path() -> None:
    changed = _kernel(SMA_TEXT.replace('quantity = "0.01"', 'quantity = "0.02"'))
    report = replay_entries(changed, ENTRIES, SERIES, run_id="r1")
    assert report.mismatch is not None
    assert report.mismatch.index == 0
    assert report.mismatch.cycle_ts_ms == ENTRIES[0].cycle_ts_ms
    paths = {d.path: d for d in report.mismatch.differences}
    assert paths["intents[0].quantity"] == Difference(
        path="intents[0].quantity", old="0.01000000", new="0.02000000"
    )
    assert paths["directives[0].size.quantity"].describe() == (
        "directives[0].size.quantity: 0.01 -> 0.02"
    )
    lines = list(describe_report(report))
    assert lines[0].startswith(f"differs: cycle 1 of {len(ENTRIES)}")
    assert any(line.strip().startswith("intents[0].quantity: ") for line in lines)


def test_a_tampered_later_record_is_found_at_its_own_cycle() -> None:
    target = 5
    plan = json.loads(ENTRIES[target].plan_json)
    plan["intents"][0]["client_order_id"] = "tkTAMPERED"
    tampered = list(ENTRIES)
    text = json.dumps(plan, sort_keys=True, separators=(",", ":"))
    tampered[target] = attrs.evolve(ENTRIES[target], plan_json=text)
    report = replay_entries(KERNEL, tampered, SERIES, run_id="r1")
    assert report.mismatch is not None and report.mismatch.index == target
    assert report.cycles == target + 1
    found = [d for d in report.mismatch.differences if d.path == "intents[0].client_order_id"]
    assert len(found) == 1
    assert found[0].old == "tkTAMPERED"
    assert found[0].new == json.loads(ENTRIES[target].plan_json)["intents"][0]["client_order_id"]


def test_a_cycle_without_a_recorded_context_is_refused_naming_the_cycle() -> None:
    broken = [attrs.evolve(ENTRIES[0], context_json="")]
    with pytest.raises(DataError, match=f"cycle {ENTRIES[0].cycle_ts_ms} has no recorded context"):
        replay_entries(KERNEL, broken, SERIES, run_id="r1")


def test_shorter_data_than_the_record_needs_is_refused_naming_the_cycle() -> None:
    short: dict[str, BarSeries] = {"BTC/USD": SERIES["BTC/USD"].head(100)}
    late = [e for e in ENTRIES if json.loads(e.context_json)["bars"]["BTC/USD"] > 100][:1]
    with pytest.raises(DataError, match=f"cycle {late[0].cycle_ts_ms}"):
        replay_entries(KERNEL, late, short, run_id="r1")


def test_diff_names_changed_added_and_removed_leaves_by_path() -> None:
    old = {"a": {"b": [1, 2, 3]}, "c": "x", "gone": True}
    new = {"a": {"b": [1, 5]}, "c": "x", "new": None}
    assert diff_json(old, new) == (
        Difference(path="a.b[1]", old="2", new="5"),
        Difference(path="a.b[2]", old="3", new=None),
        Difference(path="gone", old="true", new=None),
        Difference(path="new", old=None, new="null"),
    )
    assert Difference(path="a.b[2]", old="3", new=None).describe() == "a.b[2]: 3 -> (absent)"


def test_diff_tells_json_types_apart() -> None:
    assert diff_json({"k": 1}, {"k": True}) == (Difference(path="k", old="1", new="true"),)
    assert diff_json({"k": [1]}, {"k": {"0": 1}}) == (
        Difference(path="k", old="[1]", new='{"0":1}'),
    )


def test_identical_texts_have_no_differences_and_bad_recorded_json_is_a_data_error() -> None:
    assert compare_plan_texts('{"a":1}', '{"a":1}') == ()
    with pytest.raises(DataError, match="recorded plan_json is not JSON"):
        compare_plan_texts("{oops", '{"a":1}')


def _flatten(value: Any, path: str, out: dict[str, Any]) -> None:
    """Naive reference: every leaf as path -> (type name, value)."""
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(item, f"{path}.{key}" if path else key, out)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _flatten(item, f"{path}[{index}]", out)
    else:
        out[path] = (type(value).__name__, value)


_keys = st.sampled_from(["a", "b", "c"])
_json = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.sampled_from(["0.01", "x"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_keys, inner, max_size=3),
    max_leaves=10,
)


@settings(max_examples=300, deadline=None)
@given(old=st.dictionaries(_keys, _json, min_size=1), new=st.dictionaries(_keys, _json, min_size=1))
def test_diff_agrees_with_a_naive_flattening_when_shapes_match(
    old: dict[str, Any], new: dict[str, Any]
) -> None:
    differences = diff_json(old, new)
    # Key order is not a difference (plans are canonical JSON with sorted keys), but JSON
    # types are: True == 1 in Python, yet `true` is not `1`.
    same = json.dumps(old, sort_keys=True) == json.dumps(new, sort_keys=True)
    assert (differences == ()) == (old == new and same)
    left: dict[str, Any] = {}
    right: dict[str, Any] = {}
    _flatten(old, "", left)
    _flatten(new, "", right)
    # Every leaf path present on both sides with the same type and value is not reported,
    # and every leaf path whose value differs is.
    reported = {d.path for d in differences}
    for path in set(left) & set(right):
        if left[path] == right[path]:
            assert path not in reported
        else:
            assert path in reported
    for path in set(left) ^ set(right):
        # present on one side only: reported at itself or at a containing path
        assert any(
            path == r or path.startswith(r + ".") or path.startswith(r + "[") for r in reported
        )
