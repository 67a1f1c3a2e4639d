"""The ASGI application of `tradekernel serve`: the REST API and the dashboard.

    app = build_app(console, ApiTokens(control=..., read=...))

The OpenAPI document is at `/openapi.json`. The interactive docs pages are off: they
load their scripts from a CDN, and the dashboard loads nothing from outside.
"""

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from tradekernel.adapters.api import pages, rest
from tradekernel.adapters.api.auth import ApiTokens
from tradekernel.domain.errors import ConfigError, DataError, OrderNotFound, StorageError
from tradekernel.domain.ports.operator_console import OperatorConsole

STATIC_DIR = Path(__file__).parent / "static"


def _not_found(_request: Request, error: Exception) -> JSONResponse:
    return JSONResponse({"detail": str(error)}, status_code=404)


def _unavailable(_request: Request, error: Exception) -> JSONResponse:
    return JSONResponse({"detail": str(error)}, status_code=503)


def build_app(console: OperatorConsole, tokens: ApiTokens) -> FastAPI:
    """Return the application serving `console` to holders of `tokens`."""
    app = FastAPI(
        title="tradekernel",
        summary="Runs, orders and their causality, bots' trading state and session health.",
        version="1",
        docs_url=None,
        redoc_url=None,
    )
    app.state.console = console
    app.state.tokens = tokens
    # An unknown run or order is the caller's mistake (404); a broken store is ours (503).
    app.add_exception_handler(ConfigError, _not_found)
    app.add_exception_handler(OrderNotFound, _not_found)
    app.add_exception_handler(DataError, _unavailable)
    app.add_exception_handler(StorageError, _unavailable)
    app.include_router(rest.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app
