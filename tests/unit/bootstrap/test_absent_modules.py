import subprocess
import sys

import pytest

from tradekernel.bootstrap.absent_modules import absent_modules


def test_a_module_kept_out_cannot_be_imported_inside_the_block_and_can_after_it() -> None:
    name = "colorsys"
    sys.modules.pop(name, None)
    with absent_modules((name,)), pytest.raises(ModuleNotFoundError):
        __import__(name)
    assert name not in sys.modules
    __import__(name)
    assert sys.modules[name] is not None


def test_a_module_already_imported_is_left_alone() -> None:
    with absent_modules(("json",)):
        import json

        assert json.dumps([1]) == "[1]"
    assert sys.modules["json"] is json


def test_the_container_does_not_import_the_web_frameworks_its_library_would_probe() -> None:
    pytest.importorskip("fastapi")
    probe = (
        "import sys, tradekernel.bootstrap.container\n"
        "print(sorted(m for m in ('fastapi', 'starlette') if m in sys.modules))\n"
        "import fastapi.params\n"
        "print('fastapi imports afterwards')\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == ["[]", "fastapi imports afterwards"]
