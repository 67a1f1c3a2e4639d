"""The analyzer on the hand-written `shopfix` fixture, whose every finding is known."""

import itertools
from pathlib import Path
from typing import Any

import pytest
from cycles_testkit import SHOPFIX, RunJson
from tools.cycles.graph import build_graph
from tools.cycles.model import EdgeKind

P = "shopfix."


def _edges(scc: dict[str, Any]) -> list[tuple[str, str, str, int, str]]:
    return [
        (e["importer"], e["imported"], Path(e["file"]).name, e["line"], e["kind"])
        for e in scc["edges"]
    ]


def test_module_level_cycles_are_the_two_and_three_module_ones(run_json: RunJson) -> None:
    code, doc = run_json(str(SHOPFIX))

    assert code == 1
    assert [s["modules"] for s in doc["sccs"]] == [
        [P + "billing.invoice", P + "billing.ledger", P + "billing.tax"],
        [P + "orders.cart", P + "orders.pricing"],
    ]
    three, two = doc["sccs"]
    assert three["shortest_cycle"] == [
        P + "billing.invoice",
        P + "billing.tax",
        P + "billing.ledger",
        P + "billing.invoice",
    ]
    assert _edges(three) == [
        (P + "billing.invoice", P + "billing.tax", "invoice.py", 3, "module"),
        (P + "billing.tax", P + "billing.ledger", "tax.py", 3, "module"),
        (P + "billing.ledger", P + "billing.invoice", "ledger.py", 3, "module"),
    ]
    assert _edges(two) == [
        (P + "orders.cart", P + "orders.pricing", "cart.py", 3, "module"),
        (P + "orders.pricing", P + "orders.cart", "pricing.py", 3, "module"),
    ]
    assert doc["summary"]["sccs"] == 2
    assert doc["summary"]["modules_in_cycles"] == 5


def test_relative_and_from_package_imports_resolve_to_submodules() -> None:
    graph = build_graph(str(SHOPFIX))
    pairs = {(s.importer, s.imported) for s in graph.sites}

    # `from shopfix.orders import pricing` -> the submodule, not the package
    assert (P + "orders.cart", P + "orders.pricing") in pairs
    assert (P + "orders.cart", P + "orders") not in pairs
    # `from . import cart`, `from .ledger import BOOK`, `from ..billing import invoice`
    assert (P + "orders.pricing", P + "orders.cart") in pairs
    assert (P + "billing.tax", P + "billing.ledger") in pairs
    assert (P + "billing.ledger", P + "billing.invoice") in pairs
    # `from shopfix.billing import tax` in a nested package
    assert (P + "billing.rates.vat", P + "billing.tax") in pairs
    # typing is external: no edge at all
    assert all(s.imported.startswith(P) for s in graph.sites)


def test_each_import_site_is_classified_by_where_it_sits() -> None:
    graph = build_graph(str(SHOPFIX))
    kinds = {(s.importer, s.imported): s.kind for s in graph.sites}

    assert kinds[(P + "users.profile", P + "users.session")] is EdgeKind.MODULE
    assert kinds[(P + "users.session", P + "users.profile")] is EdgeKind.TYPE_CHECKING
    assert kinds[(P + "users.auth", P + "users.session")] is EdgeKind.TYPE_CHECKING
    assert kinds[(P + "users.auth", P + "users.login")] is EdgeKind.FUNCTION
    assert kinds[(P + "users.login", P + "users.auth")] is EdgeKind.MODULE


def test_summary_counts_modules_packages_lines_and_edge_kinds(run_json: RunJson) -> None:
    _, doc = run_json(str(SHOPFIX))
    files = sorted(p for p in SHOPFIX.rglob("*.py") if p.parent.name != "scripts")
    lines = sum(len(p.read_text().splitlines()) for p in files)

    assert doc["summary"]["modules"] == len(files) == 21
    assert doc["summary"]["packages"] == 7
    assert doc["summary"]["lines"] == lines
    assert doc["summary"]["edges_type_checking"] == 2
    assert doc["summary"]["edges_function"] == 1
    assert doc["summary"]["edges_module"] == 10
    assert doc["summary"]["edges"] == 13


def test_type_checking_and_function_level_back_edges_are_not_cycles_by_default(
    run_json: RunJson,
) -> None:
    _, default = run_json(str(SHOPFIX))
    _, with_tc = run_json(str(SHOPFIX), "--include-type-checking")
    _, with_fn = run_json(str(SHOPFIX), "--include-function-level")

    users = {P + "users.profile", P + "users.session", P + "users.auth", P + "users.login"}
    assert not any(users & set(s["modules"]) for s in default["sccs"])
    assert [P + "users.profile", P + "users.session"] in [s["modules"] for s in with_tc["sccs"]]
    assert [P + "users.auth", P + "users.login"] in [s["modules"] for s in with_fn["sccs"]]
    assert with_tc["cycle_edge_kinds"] == ["module", "type_checking"]
    tc_scc = next(s for s in with_tc["sccs"] if P + "users.session" in s["modules"])
    assert {e["kind"] for e in tc_scc["edges"]} == {"module", "type_checking"}


def test_package_cycle_at_depth_two_lists_the_module_edges_that_make_it(
    run_json: RunJson,
) -> None:
    _, depth2 = run_json(str(SHOPFIX))
    _, depth1 = run_json(str(SHOPFIX), "--package-depth", "1")

    # orders and billing cycles are inside one package each; catalog <-> stock spans two.
    assert [c["packages"] for c in depth2["package_cycles"]] == [[P + "catalog", P + "stock"]]
    edges = [(e["importer"], e["imported"]) for e in depth2["package_cycles"][0]["edges"]]
    assert edges == [
        (P + "catalog.items", P + "stock.levels"),
        (P + "stock.reorder", P + "catalog.prices"),
    ]
    assert depth1["package_cycles"] == []


def test_orphan_directory_is_an_error_unless_excluded(run_json: RunJson, tmp_path: Path) -> None:
    _, doc = run_json(str(SHOPFIX))
    _, excluded = run_json(str(SHOPFIX), "--exclude", "scripts")

    assert [(Path(d["path"]).name, d["python_files"]) for d in doc["orphan_dirs"]] == [
        ("scripts", 1)
    ]
    assert excluded["orphan_dirs"] == []
    assert P + "scripts.seed" not in str(doc)


def test_oversized_modules_are_listed_with_their_line_counts(run_json: RunJson) -> None:
    _, doc = run_json(str(SHOPFIX), "--max-module-lines", "10")

    expected = sorted(
        (len(p.read_text().splitlines()), p.name)
        for p in SHOPFIX.rglob("*.py")
        if p.parent.name != "scripts" and len(p.read_text().splitlines()) > 10
    )
    got = sorted((m["lines"], Path(m["file"]).name) for m in doc["oversized_modules"])
    assert got == expected
    assert [m["module"] for m in doc["oversized_modules"]][:1] == [P + "users.auth"]


def test_breakers_without_layers_cut_one_edge_per_simple_cycle(
    run_json: RunJson, no_default_contracts: Path
) -> None:
    _, doc = run_json(str(SHOPFIX))

    cuts = [(b["scope"], b["component"], b["importer"], b["imported"]) for b in doc["breakers"]]
    assert cuts == [
        ("module", 1, P + "billing.invoice", P + "billing.tax"),
        ("module", 2, P + "orders.cart", P + "orders.pricing"),
        ("package", 1, P + "catalog", P + "stock"),
    ]
    assert all(b["complete"] for b in doc["breakers"])
    assert doc["layers_source"] is None


@pytest.mark.parametrize("flag", ["--include-type-checking", "--include-function-level"])
def test_cut_suggestions_break_every_cycle_they_are_given(run_json: RunJson, flag: str) -> None:
    _, doc = run_json(str(SHOPFIX), flag)
    cut = {(b["importer"], b["imported"]) for b in doc["breakers"] if b["scope"] == "module"}

    for scc in doc["sccs"]:
        cycle = scc["shortest_cycle"]
        assert set(itertools.pairwise(cycle)) & cut
