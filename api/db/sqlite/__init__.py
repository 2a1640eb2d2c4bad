"""SQLite for Tortoise, with write transactions that take their lock when they
begin (`BEGIN IMMEDIATE`).

Tortoise begins transactions with a plain `BEGIN`: the lock is taken at the first
write, and when another process (the worker, beside the API) has written since the
transaction's first read, SQLite refuses at once with "database is locked" instead
of waiting its busy timeout. Beginning immediately makes concurrent writers wait
their turn.
"""

import sqlite3
from typing import Any

from tortoise.backends.base.client import TransactionContext
from tortoise.backends.sqlite.client import (
    SqliteClient,
    SqliteTransactionContext,
    SqliteTransactionWrapper,
)
from tortoise.exceptions import TransactionManagementError


class _ImmediateTransaction(SqliteTransactionWrapper):
    async def begin(self) -> None:
        try:
            await self._connection.commit()
            await self._connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise TransactionManagementError(error) from error


class ImmediateSqliteClient(SqliteClient):
    def _in_transaction(self) -> TransactionContext:
        return SqliteTransactionContext(_ImmediateTransaction(self), self._lock)


client_class = ImmediateSqliteClient


def get_client_class(db_info: dict[str, Any]) -> type[SqliteClient]:
    return ImmediateSqliteClient
