"""Removing every record of one run, so `--replace` can record the run id afresh."""

import sqlite3

from tradekernel.adapters.sqlite.transaction import transaction

# Tables keyed by run id; order events are keyed by client order id (derived from the run
# id), and a paper run's control and backoff rows by its bot id (the run id).
_BY_RUN_ID = ("plan_orders", "plans", "orders", "fills", "equity", "runs")
_BY_BOT_ID = ("trading_control", "rejection_backoff")


def _tables(connection: sqlite3.Connection) -> set[str]:
    rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    return {str(row[0]) for row in rows}


def delete_run(connection: sqlite3.Connection, run_id: str) -> None:
    """Delete the run's manifest, plans, orders, fills, equity, order events and controls.

    One transaction: either the whole run is gone or none of it.

    Raises:
        sqlite3.Error: if the database cannot be written.
    """
    tables = _tables(connection)
    with transaction(connection):
        if "order_events" in tables:
            connection.execute(
                "DELETE FROM order_events WHERE client_order_id IN ("
                "SELECT client_order_id FROM orders WHERE run_id = ? UNION "
                "SELECT client_order_id FROM plan_orders WHERE run_id = ?)",
                (run_id, run_id),
            )
        for table in _BY_RUN_ID:
            if table in tables:
                connection.execute(f"DELETE FROM {table} WHERE run_id = ?", (run_id,))
        for table in _BY_BOT_ID:
            if table in tables:
                connection.execute(f"DELETE FROM {table} WHERE bot_id = ?", (run_id,))
