"""The REST API under `/api`: runs, their records, explain, bots, control and health."""

from typing import Annotated, Literal

import pydantic
from fastapi import APIRouter, Depends, Request

from tradekernel.adapters.api.auth import Access, require_control, require_read
from tradekernel.adapters.api.json_views import Json, as_json, run_json
from tradekernel.domain.ports.operator_console import CONTROL_ACTIONS, OperatorConsole

ACTIONS = CONTROL_ACTIONS
Action = Literal["halt", "reduce", "resume"]


class ControlRequest(pydantic.BaseModel):
    """Why the state changes, and who asks (both kept in the control record)."""

    reason: str = ""
    who: str = ""


def control_source(channel: str, who: str) -> str:
    """Return the `source` a control record keeps: the channel, and who when given."""
    return f"{channel}:{who.strip()}" if who.strip() else channel


def console_of(request: Request) -> OperatorConsole:
    """Return the app's operator console (a FastAPI dependency)."""
    console: OperatorConsole = request.app.state.console
    return console


Console = Annotated[OperatorConsole, Depends(console_of)]
Reader = Annotated[Access, Depends(require_read)]
Controller = Annotated[Access, Depends(require_control)]

router = APIRouter(prefix="/api")


@router.get("/runs", summary="Every recorded run, newest first, with its summary")
def list_runs(console: Console, _: Reader) -> list[Json]:
    return [run_json(view) for view in console.runs()]


@router.get("/runs/{run_id}", summary="One run and its summary")
def get_run(run_id: str, console: Console, _: Reader) -> Json:
    return run_json(console.run(run_id))


@router.get("/runs/{run_id}/equity", summary="A run's equity snapshots in time order")
def get_equity(run_id: str, console: Console, _: Reader) -> list[Json]:
    return [as_json(point) for point in console.equity(run_id)]


@router.get("/runs/{run_id}/trades", summary="A run's fills in time order")
def get_trades(run_id: str, console: Console, _: Reader) -> list[Json]:
    return [as_json(fill) for fill in console.trades(run_id)]


@router.get("/runs/{run_id}/orders", summary="The latest state of each order of a run")
def get_orders(run_id: str, console: Console, _: Reader) -> list[Json]:
    return [as_json(order) for order in console.orders(run_id)]


@router.get("/runs/{run_id}/plans", summary="A run's plans: cycle, hash, orders named")
def get_plans(run_id: str, console: Console, _: Reader) -> list[Json]:
    return [as_json(plan) for plan in console.plans(run_id)]


@router.get(
    "/orders/{client_order_id}/explain",
    summary="Why an order exists: its causality chain back to the bar, and its fills",
)
def order_explanation(
    client_order_id: str, console: Console, _: Reader, run_id: str | None = None
) -> Json:
    return as_json(console.explain(client_order_id, run_id))


@router.get("/bots", summary="Every known bot and its trading state")
def list_bots(console: Console, _: Reader) -> list[Json]:
    return [as_json(bot) for bot in console.bots()]


@router.get("/bots/{bot_id}", summary="One bot's trading state")
def get_bot(bot_id: str, console: Console, _: Reader) -> Json:
    return as_json(console.bot(bot_id))


@router.get(
    "/bots/{bot_id}/health",
    summary="A bot's latest session: last cycle, backoffs, unresolved orders, errors",
)
def get_health(bot_id: str, console: Console, _: Reader) -> Json:
    return as_json(console.health(bot_id))


@router.post(
    "/bots/{bot_id}/{action}",
    summary="Halt, reduce or resume a bot (control token); recorded with who and why",
)
def control(
    bot_id: str, action: Action, body: ControlRequest, console: Console, _: Controller
) -> Json:
    view = console.set_state(
        bot_id,
        ACTIONS[action],
        reason=body.reason.strip() or f"{action} from the API",
        source=control_source("api", body.who),
    )
    return as_json(view)
