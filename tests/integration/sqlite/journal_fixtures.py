"""Builders of journal inputs shared by the SQLite integration tests."""

import json
from decimal import Decimal

from tradekernel.domain.enums import Liquidity, OrderStatus, OrderType, Side
from tradekernel.domain.orders import Fill, Order
from tradekernel.domain.ports.journal import JournalEntry, RunManifest


def manifest(run_id: str, started_ms: int = 1_700_000_000_000) -> RunManifest:
    return RunManifest(
        run_id=run_id,
        mode="backtest",
        config_hash="cfg-" + run_id,
        code_version="0.1.0",
        data_fingerprint="data-" + run_id,
        started_ms=started_ms,
        config_text="[run]\nmode = 'backtest'\n",
        exchange="binance",
        market_type="spot",
        hash_format_version="2",
    )


def plan_entry(run_id: str, cycle_ts_ms: int, client_ids: list[str]) -> JournalEntry:
    plan = {
        "run_id": run_id,
        "cycle_ts_ms": cycle_ts_ms,
        "intents": [{"client_order_id": cid, "symbol": "BTC/USDT"} for cid in client_ids],
    }
    text = json.dumps(plan, sort_keys=True)
    return JournalEntry(
        run_id=run_id,
        cycle_ts_ms=cycle_ts_ms,
        plan_hash=f"hash-{run_id}-{cycle_ts_ms}",
        plan_json=text,
        context_json=json.dumps({"now_ms": cycle_ts_ms}),
    )


def order(client_id: str, status: OrderStatus = OrderStatus.SUBMITTED, **changes: object) -> Order:
    fields: dict[str, object] = {
        "client_order_id": client_id,
        "symbol": "BTC/USDT",
        "side": Side.BUY,
        "order_type": OrderType.LIMIT,
        "quantity": Decimal("0.00100000"),
        "price": Decimal("42000.10"),
        "status": status,
        "created_ms": 1_000,
        "updated_ms": 1_000,
    }
    fields.update(changes)
    return Order(**fields)  # type: ignore[arg-type]


def fill(trade_id: str, client_id: str, ts_ms: int, quantity: str = "0.0005") -> Fill:
    return Fill(
        trade_id=trade_id,
        client_order_id=client_id,
        symbol="BTC/USDT",
        side=Side.BUY,
        quantity=Decimal(quantity),
        price=Decimal("42000.10"),
        fee=Decimal("0.000000525"),
        fee_asset="BTC",
        ts_ms=ts_ms,
        liquidity=Liquidity.MAKER,
    )
