from pathlib import Path

import pytest

from tradekernel.adapters.sqlite.backoff_store import SqliteBackoffStore
from tradekernel.adapters.sqlite.database import connect
from tradekernel.domain.errors import DataError
from tradekernel.domain.ports.backoff_store import BackoffRecord


def _record(symbol: str, failures: int = 1) -> BackoffRecord:
    return BackoffRecord(
        symbol=symbol, failures=failures, until_ms=10 * failures, reason="r", updated_ms=1
    )


def test_cooldowns_persist_across_connections_per_bot(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    first = connect(path)
    store = SqliteBackoffStore(first, bot_id="a")
    store.save(_record("ETH/USDT"))
    store.save(_record("BTC/USDT"))
    store.save(_record("BTC/USDT", failures=3))
    SqliteBackoffStore(first, bot_id="b").save(_record("XRP/USDT"))
    first.close()
    second = connect(path)
    reopened = SqliteBackoffStore(second, bot_id="a")
    assert reopened.load() == [_record("BTC/USDT", failures=3), _record("ETH/USDT")]
    reopened.clear("BTC/USDT")
    assert [r.symbol for r in reopened.load()] == ["ETH/USDT"]
    second.close()


def test_a_corrupt_row_names_the_table(tmp_path: Path) -> None:
    connection = connect(tmp_path / "bot.db")
    store = SqliteBackoffStore(connection)
    store.save(_record("BTC/USDT", failures=-1))
    with pytest.raises(DataError, match="rejection_backoff row default/BTC/USDT"):
        store.load()
    connection.close()
