"""Empty databases on the backend under test, and reading them back without the ORM."""

import asyncio
import os
import sqlite3
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, closing
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg

SQLITE = "sqlite://"

SQLITE_COLUMNS = """
SELECT m.name, p.name FROM sqlite_master AS m JOIN pragma_table_info(m.name) AS p
WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'
"""
POSTGRES_COLUMNS = """
SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'
"""


def _with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


@asynccontextmanager
async def fresh_database(directory: Path) -> AsyncIterator[str]:
    """The URL of a new, empty database: a SQLite file in `directory`, or a PostgreSQL
    database on the TEST_DATABASE_URL server (dropped afterwards)."""
    server_url = os.environ.get("TEST_DATABASE_URL")
    if not server_url:
        yield f"{SQLITE}{directory / f'fresh-{uuid.uuid4().hex[:8]}.sqlite3'}"
        return
    name = f"pc_fresh_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(_with_database(server_url, "postgres"))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield _with_database(server_url, name)
        finally:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


async def fetch(url: str, sql: str) -> list[tuple[Any, ...]]:
    if url.startswith(SQLITE):

        def query() -> list[tuple[Any, ...]]:
            with closing(sqlite3.connect(url.removeprefix(SQLITE))) as connection:
                return [tuple(row) for row in connection.execute(sql)]

        return await asyncio.to_thread(query)
    connection = await asyncpg.connect(url)
    try:
        return [tuple(row) for row in await connection.fetch(sql)]
    finally:
        await connection.close()


async def execute(url: str, sql: str) -> None:
    """One statement, committed."""
    if url.startswith(SQLITE):

        def run() -> None:
            with closing(sqlite3.connect(url.removeprefix(SQLITE))) as connection:
                connection.execute(sql)
                connection.commit()

        await asyncio.to_thread(run)
        return
    connection = await asyncpg.connect(url)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


async def columns_by_table(url: str) -> dict[str, set[str]]:
    rows = await fetch(url, SQLITE_COLUMNS if url.startswith(SQLITE) else POSTGRES_COLUMNS)
    tables: dict[str, set[str]] = {}
    for table, column in rows:
        tables.setdefault(table, set()).add(column)
    return tables
