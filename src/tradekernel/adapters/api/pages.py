"""The dashboard: server-rendered pages (Jinja2), live parts refreshed by
`static/dashboard.js` (fetch into a target; no framework)."""

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from tradekernel.adapters.api.auth import COOKIE_NAME, Access, access_of
from tradekernel.adapters.api.rest import ACTIONS, console_of, control_source
from tradekernel.domain.plan import CausalityLink
from tradekernel.domain.ports.journal import EquityPoint

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
# The chart draws at most this many points (and the last): a long run is thinned evenly.
CHART_POINTS = 600
CHART_WIDTH, CHART_HEIGHT = 800, 200
# The plan nodes of a directive; the chain lists them apart from the order's causes.
PLAN_KINDS = ("entry_plan", "size_plan", "exit_plan", "routing_plan")


def iso_time(ts_ms: int | None) -> str:
    """Return epoch milliseconds as an ISO UTC time to the second ("-" for None)."""
    if ts_ms is None:
        return "-"
    return datetime.fromtimestamp(ts_ms / 1000, tz=UTC).strftime("%Y-%m-%d %H:%M:%S")


TEMPLATES.env.filters["iso"] = iso_time


def equity_polyline(points: Sequence[EquityPoint]) -> str:
    """Return the SVG polyline coordinates of an equity curve ("" for fewer than 2 points)."""
    if len(points) < 2:
        return ""
    stride = -(-len(points) // CHART_POINTS)  # ceiling division: at most CHART_POINTS
    shown = [*points[::stride], points[-1]] if (len(points) - 1) % stride else points[::stride]
    values = [float(point.equity) for point in shown]
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    first, last = shown[0].ts_ms, shown[-1].ts_ms
    width = (last - first) or 1
    return " ".join(
        f"{(point.ts_ms - first) * CHART_WIDTH / width:.1f},"
        f"{CHART_HEIGHT - (value - low) * CHART_HEIGHT / span:.1f}"
        for point, value in zip(shown, values, strict=True)
    )


router = APIRouter(include_in_schema=False)


def _login_redirect(request: Request) -> Response | None:
    if access_of(request) is None:
        return RedirectResponse("/login", status_code=303)
    return None


@router.get("/")
def home() -> Response:
    return RedirectResponse("/runs", status_code=303)


@router.get("/login")
def login_form(request: Request) -> Response:
    return TEMPLATES.TemplateResponse(request, "login.html", {"failed": False})


@router.post("/login")
async def login(request: Request) -> Response:
    # Parsed by hand: a one-field form needs no multipart library.
    token = parse_qs((await request.body()).decode()).get("token", [""])[0]
    if request.app.state.tokens.access(token or None) is None:
        return TEMPLATES.TemplateResponse(request, "login.html", {"failed": True}, 401)
    response = RedirectResponse("/runs", status_code=303)
    # HttpOnly: no script reads it; SameSite=Strict: no other site's page can post with it.
    response.set_cookie(COOKIE_NAME, token, httponly=True, samesite="strict")
    return response


@router.get("/runs", response_class=HTMLResponse)
def runs_page(request: Request) -> Response:
    if (redirect := _login_redirect(request)) is not None:
        return redirect
    console = console_of(request)
    context = {"runs": console.runs(), "bots": console.bots()}
    return TEMPLATES.TemplateResponse(request, "runs.html", context)


@router.get("/runs/{run_id}", response_class=HTMLResponse)
def run_page(request: Request, run_id: str) -> Response:
    if (redirect := _login_redirect(request)) is not None:
        return redirect
    console = console_of(request)
    equity = console.equity(run_id)
    context = {
        "run": console.run(run_id),
        "equity": equity,
        "polyline": equity_polyline(equity),
        "chart_size": (CHART_WIDTH, CHART_HEIGHT),
        "trades": console.trades(run_id),
        "orders": console.orders(run_id),
    }
    return TEMPLATES.TemplateResponse(request, "run.html", context)


@router.get("/runs/{run_id}/report", response_class=HTMLResponse)
def report_page(request: Request, run_id: str) -> Response:
    if (redirect := _login_redirect(request)) is not None:
        return redirect
    return HTMLResponse(console_of(request).report_html(run_id))


@router.get("/runs/{run_id}/orders/{client_order_id}/explain", response_class=HTMLResponse)
def explain_fragment(request: Request, run_id: str, client_order_id: str) -> Response:
    if (redirect := _login_redirect(request)) is not None:
        return redirect
    found = console_of(request).explain(client_order_id, run_id)
    nodes = {link.node_id: link for link in found.chain}
    plans = [nodes.get(f"{kind}:{found.directive_id}") for kind in PLAN_KINDS]
    context = {
        "found": found,
        "tree": _cause_lines(nodes, client_order_id),
        "plans": [link for link in plans if link is not None],
    }
    return TEMPLATES.TemplateResponse(request, "explain.html", context)


def _cause_lines(nodes: dict[str, CausalityLink], root: str) -> list[tuple[int, CausalityLink]]:
    """Return (depth, link) from an order down through what caused it, each node once."""
    lines: list[tuple[int, CausalityLink]] = []
    seen: set[str] = set()
    stack = [(0, root)]
    while stack:
        depth, node_id = stack.pop()
        link = nodes.get(node_id)
        if link is None or node_id in seen:
            continue
        seen.add(node_id)
        lines.append((depth, link))
        stack.extend(
            (depth + 1, parent)
            for parent in reversed(link.parents)
            if not parent.startswith(PLAN_KINDS)
        )
    return lines


@router.get("/bots/{bot_id}", response_class=HTMLResponse)
def bot_page(request: Request, bot_id: str) -> Response:
    if (redirect := _login_redirect(request)) is not None:
        return redirect
    context = {"bot_id": bot_id, "can_control": access_of(request) is Access.CONTROL}
    return TEMPLATES.TemplateResponse(request, "bot.html", context)


@router.get("/bots/{bot_id}/panel", response_class=HTMLResponse)
def bot_panel(request: Request, bot_id: str, note: str = "") -> Response:
    if access_of(request) is None:
        return HTMLResponse('<p class="error">signed out: <a href="/login">sign in</a></p>', 401)
    console = console_of(request)
    context = {
        "bot": console.bot(bot_id),
        "health": console.health(bot_id),
        "note": note,
    }
    return TEMPLATES.TemplateResponse(request, "bot_panel.html", context)


@router.post("/bots/{bot_id}/control", response_class=HTMLResponse)
async def bot_control(request: Request, bot_id: str) -> Response:
    access = access_of(request)
    if access is not Access.CONTROL:
        return HTMLResponse('<p class="error">this token cannot change a bot</p>', 403)
    form = parse_qs((await request.body()).decode())
    action = form.get("action", [""])[0]
    if action not in ACTIONS:
        return HTMLResponse('<p class="error">unknown action</p>', 400)
    reason = form.get("reason", [""])[0].strip() or f"{action} from the dashboard"
    console_of(request).set_state(
        bot_id, ACTIONS[action], reason=reason, source=control_source("dashboard", "")
    )
    return bot_panel(request, bot_id, note=f"{action} recorded")
