"""`python -m tools.config_doc [--check]`: regenerate (or check) docs/config.md's tables.

Exit 0 when written (or, with `--check`, when the committed file is current), 1 when
`--check` finds the file out of date, 2 when the catalog and the rule files disagree.
"""

import argparse
import sys
from pathlib import Path

from tools.config_doc.render import DocError, render_plugins, replace_block
from tradekernel.orchestration.kernel.plugin_catalog import builtin_specs

CONFIG_DOC = Path(__file__).resolve().parents[2] / "docs" / "config.md"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.config_doc")
    parser.add_argument("--check", action="store_true", help="only check; exit 1 if stale")
    args = parser.parse_args(argv)
    current = CONFIG_DOC.read_text(encoding="utf-8")
    try:
        wanted = replace_block(current, render_plugins(builtin_specs()))
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
