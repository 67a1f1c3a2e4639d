"""`tradekernel serve`: the REST API and the web dashboard over a run database."""

import argparse
import ipaddress
import os
from collections.abc import Mapping
from pathlib import Path

from tradekernel.bootstrap.commands.common import DEFAULT_DB
from tradekernel.domain.errors import ConfigError

CONTROL_TOKEN_VARIABLE = "TRADEKERNEL_API_TOKEN"
READ_TOKEN_VARIABLE = "TRADEKERNEL_API_READ_TOKEN"

EXAMPLES = f"""examples:
  tradekernel serve                                  # http://127.0.0.1:8080, this machine only
  tradekernel serve --db bot.db --port 9000
  {CONTROL_TOKEN_VARIABLE}=... {READ_TOKEN_VARIABLE}=... tradekernel serve --host 0.0.0.0

the dashboard is at /runs, the OpenAPI document at /openapi.json.
{CONTROL_TOKEN_VARIABLE} may read and halt, reduce or resume bots; {READ_TOKEN_VARIABLE}
may only read. Without {CONTROL_TOKEN_VARIABLE} anyone on this machine may do both, so
serve refuses any address but loopback then. needs the `serve` extra:
  pip install 'tradekernel[serve]'
"""


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "serve",
        help="serve the REST API and the web dashboard over a run database",
        description="Serve runs, orders and their causality, bots' trading state and session "
        "health, and the halt/reduce/resume controls, as a REST API and a dashboard.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", default="127.0.0.1", help="address (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080, help="port (default: 8080)")
    parser.add_argument(
        "--db",
        type=Path,
        default=DEFAULT_DB,
        metavar="FILE",
        help=f"the SQLite run database (default: ./{DEFAULT_DB})",
    )
    parser.set_defaults(handler=run)


def is_loopback(host: str) -> bool:
    """Return whether `host` names this machine only (`localhost`, 127.0.0.0/8, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_exposure(host: str, environ: Mapping[str, str]) -> None:
    """Refuse to serve an address other machines reach without a control token.

    Raises:
        ConfigError: a non-loopback host without the control token, or a read-only token
            without a control token.
    """
    control = environ.get(CONTROL_TOKEN_VARIABLE)
    if environ.get(READ_TOKEN_VARIABLE) and not control:
        raise ConfigError(
            f"{READ_TOKEN_VARIABLE} is set but {CONTROL_TOKEN_VARIABLE} is not; set both "
            "(without a control token authentication is off)",
            path=CONTROL_TOKEN_VARIABLE,
        )
    if not control and not is_loopback(host):
        raise ConfigError(
            f"refusing to serve {host} without a token: anyone who reaches it could halt "
            f"your bots; set {CONTROL_TOKEN_VARIABLE} (and {READ_TOKEN_VARIABLE} for "
            "read-only access) or serve on 127.0.0.1",
            path="--host",
        )


def run(args: argparse.Namespace) -> int:
    check_exposure(args.host, os.environ)
    if not 0 < args.port < 65536:
        raise ConfigError(f"port {args.port} is not in 1..65535", path="--port")
    if not args.db.is_file():
        raise ConfigError(f"no database at {args.db}", path="--db")
    try:
        import uvicorn

        from tradekernel.adapters.api.app import build_app
        from tradekernel.adapters.api.auth import ApiTokens
    except ImportError as error:
        raise ConfigError(
            f"serve needs the `serve` extra ({error.name} is missing): "
            "pip install 'tradekernel[serve]'",
            path="serve",
        ) from error
    from tradekernel.bootstrap.operator_console import StoreConsole

    # An empty variable counts as unset, as check_exposure reads it.
    tokens = ApiTokens(
        control=os.environ.get(CONTROL_TOKEN_VARIABLE) or None,
        read=os.environ.get(READ_TOKEN_VARIABLE) or None,
    )
    app = build_app(StoreConsole(args.db), tokens)
    print(f"serving {args.db} at http://{args.host}:{args.port}/runs (Ctrl-C stops)")
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0
