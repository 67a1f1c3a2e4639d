"""`python -m tools.config_doc [--check]`: regenerate (or check) docs/config.md's tables.

Exit 0 when written (or, with `--check`, when the committed file is current), 1 when
`--check` finds the file out of date, 2 when the catalog and the rule files disagree.
"""

import argparse
import sys
from pathlib import Path

from tools.config_doc.render import DocError, render_plugins, render_section, replace_block
from tradekernel.domain.blueprint import (
    AccountSettings,
    ExecutionPolicy,
    FeeSettings,
    UniverseSettings,
)
from tradekernel.orchestration.kernel.plugin_catalog import builtin_specs

CONFIG_DOC = Path(__file__).resolve().parents[2] / "docs" / "config.md"
# The blueprint sections structured straight into a settings class (the loader's strict
# converter), so the class's fields are exactly the section's keys.
SECTIONS = {
    "universe": UniverseSettings,
    "account": AccountSettings,
    "fees": FeeSettings,
    "execution": ExecutionPolicy,
}


def generated(document: str) -> str:
    """Return `document` with every generated table rendered afresh.

    Raises:
        DocError: the classes and the hand-kept files disagree, or a marker is missing.
    """
    for name, settings in SECTIONS.items():
        document = replace_block(document, render_section(name, settings))
    return replace_block(document, render_plugins(builtin_specs()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.config_doc")
    parser.add_argument("--check", action="store_true", help="only check; exit 1 if stale")
    args = parser.parse_args(argv)
    current = CONFIG_DOC.read_text(encoding="utf-8")
    try:
        wanted = generated(current)
    except DocError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.check:
        if wanted != current:
            print(f"{CONFIG_DOC} is out of date: run python -m tools.config_doc", file=sys.stderr)
            return 1
        return 0
    CONFIG_DOC.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
