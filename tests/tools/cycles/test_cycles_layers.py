"""Layer order from import-linter TOML, and the cuts it makes the analyzer suggest."""

from pathlib import Path

import pytest
from cycles_testkit import REPO, run_json, write_files
from tools.cycles.layers import load_layers
from tools.cycles.model import InputError

CONTRACTS = """\
[tool.importlinter]
root_package = "layerfix"

[[tool.importlinter.contracts]]
name = "independence first, to prove the first *layers* contract is used"
type = "independence"
modules = ["layerfix.high", "layerfix.low"]

[[tool.importlinter.contracts]]
name = "Layers"
type = "layers"
containers = ["layerfix"]
layers = ["high", "left | right", "low"]

[[tool.importlinter.contracts]]
name = "a second layers contract, ignored"
type = "layers"
layers = ["layerfix.low", "layerfix.high"]
"""


def _layered_package(root: Path) -> Path:
    # high.api -> low.base is downward; low.base -> high.api is upward and closes a cycle.
    # left.a <-> right.b is a cycle between siblings of one layer: no upward edge there.
    return write_files(
        root / "layerfix",
        {
            "__init__.py": "",
            "high/__init__.py": "",
            "high/api.py": "from layerfix.low import base\nfrom layerfix.low import util\n",
            "low/__init__.py": "",
            "low/base.py": "from layerfix.high import api\n",
            "low/util.py": "from layerfix.low import base\n",
            "left/__init__.py": "",
            "left/a.py": "from layerfix.right import b\n",
            "right/__init__.py": "",
            "right/b.py": "from layerfix.left import a\nfrom layerfix.low import util\n",
        },
    )


def test_first_layers_contract_is_read_with_sibling_entries(tmp_path: Path) -> None:
    path = write_files(tmp_path, {"c.toml": CONTRACTS}) / "c.toml"
    order = load_layers(path)

    assert order is not None
    assert order.layers == (
        ("layerfix.high",),
        ("layerfix.left", "layerfix.right"),
        ("layerfix.low",),
    )
    assert order.rank("layerfix.high.api") == 2
    assert order.rank("layerfix.right.b") == order.rank("layerfix.left") == 1
    assert order.rank("layerfix.low") == 0
    assert order.rank("layerfix") is None
    assert order.rank("layerfixture.x") is None


def test_upward_edge_is_cut_when_the_layer_order_is_known(tmp_path: Path) -> None:
    package = _layered_package(tmp_path)
    contracts = write_files(tmp_path, {"c.toml": CONTRACTS}) / "c.toml"

    _, doc = run_json(str(package), "--contracts", str(contracts))

    module_cuts = [
        (b["component"], b["importer"], b["imported"], b["reason"].split(":")[0])
        for b in doc["breakers"]
        if b["scope"] == "module"
    ]
    assert [s["modules"] for s in doc["sccs"]] == [
        ["layerfix.high.api", "layerfix.low.base", "layerfix.low.util"],
        ["layerfix.left.a", "layerfix.right.b"],
    ]
    # one upward cut breaks both api -> base -> api and api -> util -> base -> api
    assert [c[0] for c in module_cuts] == [1, 2]
    assert module_cuts[0] == (1, "layerfix.low.base", "layerfix.high.api", "upward")
    assert module_cuts[1][0] == 2
    assert module_cuts[1][3] != "upward"  # same layer: the heuristic decides
    assert doc["layers_source"] == str(contracts)
    package_cuts = [
        (b["importer"], b["imported"]) for b in doc["breakers"] if b["scope"] == "package"
    ]
    assert ("layerfix.low", "layerfix.high") in package_cuts
    assert ("layerfix.high", "layerfix.low") not in package_cuts


def test_without_layers_the_cut_removes_the_fewest_import_sites(tmp_path: Path) -> None:
    package = _layered_package(tmp_path)
    workdir = tmp_path / "cwd"
    workdir.mkdir()

    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(workdir)
        _, doc = run_json(str(package))

    package_cuts = [
        (b["importer"], b["imported"]) for b in doc["breakers"] if b["scope"] == "package"
    ]
    # high -> low has two import sites, low -> high one: cut the cheaper one.
    assert ("layerfix.low", "layerfix.high") in package_cuts
    assert ("layerfix.high", "layerfix.low") not in package_cuts
    assert doc["layers_source"] is None


def test_default_contracts_file_is_read_from_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = _layered_package(tmp_path)
    write_files(tmp_path / "cwd", {"contracts/importlinter.toml": CONTRACTS})
    monkeypatch.chdir(tmp_path / "cwd")

    _, doc = run_json(str(package))

    assert doc["layers_source"] == "contracts/importlinter.toml"
    assert doc["breakers"][0]["reason"].startswith("upward")


def test_our_contracts_give_the_tradekernel_layer_order() -> None:
    order = load_layers(REPO / "contracts" / "importlinter.toml")

    assert order is not None
    ranks = {
        name: order.rank(f"tradekernel.{name}.x")
        for name in ("bootstrap", "adapters", "orchestration", "features", "shared", "domain")
    }
    assert ranks == {
        "bootstrap": 4,
        "adapters": 3,
        "orchestration": 3,
        "features": 2,
        "shared": 1,
        "domain": 0,
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[tool.importlinter\n", "invalid TOML"),
        (
            '[[tool.importlinter.contracts]]\ntype = "layers"\nlayers = "a"\n',
            "contracts[0].layers: expected a non-empty array",
        ),
        (
            '[[tool.importlinter.contracts]]\ntype = "layers"\nlayers = ["a", 3]\n',
            "contracts[0].layers[1]: expected a string",
        ),
    ],
)
def test_malformed_contracts_name_the_place(tmp_path: Path, text: str, message: str) -> None:
    path = write_files(tmp_path, {"c.toml": text}) / "c.toml"
    with pytest.raises(InputError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_layers(path)


def test_contracts_without_layers_give_no_order(tmp_path: Path) -> None:
    path = write_files(tmp_path, {"c.toml": "[tool.other]\nx = 1\n"}) / "c.toml"
    assert load_layers(path) is None
