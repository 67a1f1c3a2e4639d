"""`tradekernel new strategy NAME`: write a strategy in one file and its blueprint."""

import argparse
import re
from pathlib import Path

from tradekernel.domain.errors import ConfigError, OutputError

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "new",
        help="write a new strategy (NAME.py and NAME.toml) that runs as written",
        description="Write starting points for your own code.",
    )
    kinds = parser.add_subparsers(dest="kind", metavar="KIND")
    strategy = kinds.add_parser(
        "strategy",
        help="write NAME.py (an indicator and a signal) and NAME.toml (its blueprint)",
        description="Write NAME.py, a custom indicator and opportunity signal, and "
        "NAME.toml, a blueprint that loads it by path and runs as written.",
        epilog="example (writes momentum.py and momentum.toml; then run\n"
        "`tradekernel backtest --config momentum.toml` on the bundled bars):\n"
        "  tradekernel new strategy momentum",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    strategy.add_argument("name", metavar="NAME", help="a Python identifier, e.g. momentum")
    strategy.add_argument(
        "--dir", type=Path, default=Path(), metavar="DIR", help="where to write (default: .)"
    )
    strategy.add_argument("--force", action="store_true", help="overwrite existing files")
    strategy.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from tradekernel.adapters.data.bundled import bundled_path
    from tradekernel.bootstrap.scaffold import STRATEGY_PY, STRATEGY_TOML

    name: str = args.name
    if not _NAME.fullmatch(name):
        raise ConfigError(f"{name!r} is not a Python identifier (letters, digits, _)", path="NAME")
    directory: Path = args.dir
    files = {
        directory / f"{name}.py": STRATEGY_PY.format(name=name),
        directory / f"{name}.toml": STRATEGY_TOML.format(name=name, data=bundled_path()),
    }
    existing = [str(path) for path in files if path.exists()]
    if existing and not args.force:
        raise ConfigError(f"{', '.join(existing)} exists (pass --force to overwrite)", path="NAME")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for path, text in files.items():
            path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise OutputError(f"cannot write: {error.strerror}", path=str(error.filename)) from None
    for path in files:
        print(f"wrote    {path}")
    print(f"run it   tradekernel backtest --config {directory / name}.toml --data {bundled_path()}")
    return 0
