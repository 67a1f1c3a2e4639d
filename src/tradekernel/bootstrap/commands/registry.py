"""The list of sub-command registrars, in the order `--help` shows them."""

import argparse
from collections.abc import Callable

from tradekernel.bootstrap.commands import (
    backtest,
    config_validate,
    control,
    data,
    explain,
    live,
    lookahead,
    new,
    orders,
    paper,
    plan,
    portfolio,
    reconcile,
    replay,
    serve,
)

Registrar = Callable[["argparse._SubParsersAction[argparse.ArgumentParser]"], None]

REGISTRARS: list[Registrar] = [
    backtest.register,
    paper.register,
    plan.register,
    explain.register,
    lookahead.register,
    data.register,
    config_validate.register,
    portfolio.register,
    replay.register,
    control.register,
    live.register,
    reconcile.register,
    orders.register,
    new.register,
    serve.register,
]
