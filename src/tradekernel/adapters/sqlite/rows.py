"""Row shapes of the journal tables: domain objects to SQLite rows and back.

Decimals are stored as TEXT written by `str(Decimal)`, which `Decimal(text)` reads back
exactly (including the exponent and trailing zeros), so nothing is lost to binary floats.
Enums are written as their `_value_`: the same string as `.value`, without the cost of
the `enum.property` descriptor, which shows when a backtest writes its orders and fills.
"""

import sqlite3
from decimal import Decimal, InvalidOperation

from tradekernel.domain.enums import Liquidity, OrderStatus, OrderType, Side
from tradekernel.domain.errors import StorageError
from tradekernel.domain.orders import Fill, Order
from tradekernel.domain.ports.journal import EquityPoint, RunManifest

OrderRow = tuple[
    str, str, str, str, str, str, str | None, str | None, str, str, str | None, int, int,
    str | None, int,
]  # fmt: skip
FillRow = tuple[str, str, str, str, str, str, str, str, str, int, str]
EquityRow = tuple[str, int, str, str]

ORDER_COLUMNS = (
    "run_id, client_order_id, symbol, side, order_type, quantity, price, stop_price, status, "
    "filled_quantity, average_fill_price, created_ms, updated_ms, venue_order_id, reduce_only"
)
FILL_COLUMNS = (
    "run_id, trade_id, client_order_id, symbol, side, quantity, price, fee, fee_asset, ts_ms, "
    "liquidity"
)
MANIFEST_COLUMNS = (
    "run_id, mode, config_hash, code_version, data_fingerprint, started_ms, config_text, "
    "exchange, market_type, data_sources, hash_format_version"
)


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _stored_decimal(text: str, where: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation as error:
        raise StorageError(f"stored value {text!r} is not a decimal", path=where) from error


def _stored_optional_decimal(text: str | None, where: str) -> Decimal | None:
    return None if text is None else _stored_decimal(text, where)


def order_row(run_id: str, order: Order) -> OrderRow:
    """Return the `orders` row of an order."""
    return (
        run_id,
        order.client_order_id,
        order.symbol,
        order.side._value_,
        order.order_type._value_,
        str(order.quantity),
        _text(order.price),
        _text(order.stop_price),
        order.status._value_,
        str(order.filled_quantity),
        _text(order.average_fill_price),
        order.created_ms,
        order.updated_ms,
        order.venue_order_id,
        int(order.reduce_only),
    )


def order_from_row(row: sqlite3.Row) -> Order:
    """Return the Order of an `orders` row (selected with `ORDER_COLUMNS`).

    Raises:
        StorageError: if a stored value is not readable, naming the table, column and id.
    """
    where = f"orders[{row['client_order_id']}]"
    try:
        return Order(
            client_order_id=row["client_order_id"],
            symbol=row["symbol"],
            side=Side(row["side"]),
            order_type=OrderType(row["order_type"]),
            quantity=_stored_decimal(row["quantity"], f"{where}.quantity"),
            price=_stored_optional_decimal(row["price"], f"{where}.price"),
            stop_price=_stored_optional_decimal(row["stop_price"], f"{where}.stop_price"),
            status=OrderStatus(row["status"]),
            filled_quantity=_stored_decimal(row["filled_quantity"], f"{where}.filled_quantity"),
            average_fill_price=_stored_optional_decimal(
                row["average_fill_price"], f"{where}.average_fill_price"
            ),
            venue_order_id=row["venue_order_id"],
            created_ms=int(row["created_ms"]),
            updated_ms=int(row["updated_ms"]),
            reduce_only=bool(row["reduce_only"]),
        )
    except ValueError as error:
        raise StorageError(f"stored order is not readable: {error}", path=where) from error


def fill_row(run_id: str, fill: Fill) -> FillRow:
    """Return the `fills` row of a fill."""
    return (
        run_id,
        fill.trade_id,
        fill.client_order_id,
        fill.symbol,
        fill.side._value_,
        str(fill.quantity),
        str(fill.price),
        str(fill.fee),
        fill.fee_asset,
        fill.ts_ms,
        fill.liquidity._value_,
    )


def fill_from_row(row: sqlite3.Row) -> Fill:
    """Return the Fill of a `fills` row (selected with `FILL_COLUMNS`).

    Raises:
        StorageError: if a stored value is not readable, naming the table, column and id.
    """
    where = f"fills[{row['trade_id']}]"
    try:
        return Fill(
            trade_id=row["trade_id"],
            client_order_id=row["client_order_id"],
            symbol=row["symbol"],
            side=Side(row["side"]),
            quantity=_stored_decimal(row["quantity"], f"{where}.quantity"),
            price=_stored_decimal(row["price"], f"{where}.price"),
            fee=_stored_decimal(row["fee"], f"{where}.fee"),
            fee_asset=row["fee_asset"],
            ts_ms=int(row["ts_ms"]),
            liquidity=Liquidity(row["liquidity"]),
        )
    except ValueError as error:
        raise StorageError(f"stored fill is not readable: {error}", path=where) from error


def equity_row(run_id: str, point: EquityPoint) -> EquityRow:
    """Return the `equity` row of a snapshot."""
    return (run_id, point.ts_ms, str(point.equity), str(point.cash))


def equity_from_row(row: sqlite3.Row) -> EquityPoint:
    """Return the EquityPoint of an `equity` row."""
    where = f"equity[{row['ts_ms']}]"
    return EquityPoint(
        ts_ms=int(row["ts_ms"]),
        equity=_stored_decimal(row["equity"], f"{where}.equity"),
        cash=_stored_decimal(row["cash"], f"{where}.cash"),
    )


def manifest_from_row(row: sqlite3.Row) -> RunManifest:
    """Return the RunManifest of a `runs` row (selected with `MANIFEST_COLUMNS`)."""
    return RunManifest(
        run_id=row["run_id"],
        mode=row["mode"],
        config_hash=row["config_hash"],
        code_version=row["code_version"],
        data_fingerprint=row["data_fingerprint"],
        started_ms=int(row["started_ms"]),
        config_text=row["config_text"],
        exchange=row["exchange"],
        market_type=row["market_type"],
        data_sources=row["data_sources"],
        hash_format_version=row["hash_format_version"],
    )
