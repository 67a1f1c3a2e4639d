import subprocess
import sys

import pytest

from tradekernel.bootstrap.absent_modules import absent_modules


def test_a_module_kept_out_cannot_be_imported_inside_the_block_and_can_after_it() -> None:
    for name in [m for m in sys.modules if m.partition(".")[0] in ("colorsys", "wsgiref")]:
        del sys.modules[name]
    with absent_modules(("colorsys", "wsgiref")):
        with pytest.raises(ModuleNotFoundError):
            __import__("colorsys")
        with pytest.raises(ModuleNotFoundError):
            __import__("wsgiref.util")  # its submodules too
    assert "colorsys" not in sys.modules
    assert __import__("colorsys") is sys.modules["colorsys"]
    assert __import__("wsgiref.util") is sys.modules["wsgiref"]


def test_a_module_already_imported_is_left_alone() -> None:
    with absent_modules(("json",)):
        import json

        assert json.dumps([1]) == "[1]"
    assert sys.modules["json"] is json


def test_the_container_does_not_import_the_web_frameworks_its_library_would_probe() -> None:
    pytest.importorskip("fastapi")
    probe = (
        "import sys, tradekernel.bootstrap.container\n"
        "probed = ('fastapi', 'starlette', 'pydantic', 'pydantic_settings', 'yaml')\n"
        "print(sorted(m for m in probed if m in sys.modules))\n"
        "import fastapi.params, pydantic, yaml\n"
        "print('they import afterwards')\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == ["[]", "they import afterwards"]
