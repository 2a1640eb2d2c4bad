"""Migrations (`partner-connect migrate`): from an empty database
they create every table the models need; run again, they apply nothing."""

import asyncio
import contextvars
import importlib
import inspect
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from tortoise.models import Model

from api.db.config import MODEL_MODULES
from api.db.migrate import migrate
from api.settings import Settings
from tests.support.databases import columns_by_table, execute, fetch, fresh_database
from tests.support.factories import full_width
from tests.support.processes import environment, partner_connect

MIGRATIONS_TABLE = "tortoise_migrations"
APPLIED = f"SELECT app, name, applied_at FROM {MIGRATIONS_TABLE} ORDER BY app, name"


def models() -> list[type[Model]]:
    found = []
    for module_name in MODEL_MODULES:
        module = importlib.import_module(module_name)
        found += [
            value
            for value in vars(module).values()
            if inspect.isclass(value)
            and issubclass(value, Model)
            and value.__module__ == module_name
            and not value._meta.abstract
        ]
    return found


def expected_schema() -> dict[str, set[str]]:
    """Every model's table with its columns (the session's ORM has set up relations)."""
    return {
        model._meta.db_table: set(model._meta.fields_db_projection.values()) for model in models()
    }


def assert_schema_matches_models(schema: dict[str, set[str]]) -> None:
    expected = expected_schema()
    assert set(schema) - {MIGRATIONS_TABLE} == set(expected)
    for table, columns in expected.items():
        assert schema[table] == columns, table


async def migrate_apart(url: str, target: str | None = None) -> None:
    """`migrate(url)` in a context of its own: the ORM state it sets up and closes is
    not the one the session's server is using."""
    await asyncio.create_task(migrate(url, target), context=contextvars.Context())


@pytest.fixture
async def empty_database(tmp_path: Path) -> AsyncIterator[str]:
    async with fresh_database(tmp_path) as url:
        yield url


async def test_migrate_creates_every_table_then_applies_nothing(
    api: object, empty_database: str
) -> None:
    assert await columns_by_table(empty_database) == {}

    await migrate_apart(empty_database)
    schema = await columns_by_table(empty_database)
    assert_schema_matches_models(schema)
    applied = await fetch(empty_database, APPLIED)
    assert applied

    await migrate_apart(empty_database)
    assert await columns_by_table(empty_database) == schema
    assert await fetch(empty_database, APPLIED) == applied


async def test_the_migrate_command(api: object, settings: Settings, empty_database: str) -> None:
    env = environment(settings.model_copy(update={"database_url": empty_database}))
    first = await partner_connect("migrate", env=env)
    assert first.returncode == 0, first.stderr
    schema = await columns_by_table(empty_database)
    assert_schema_matches_models(schema)
    applied = await fetch(empty_database, APPLIED)

    again = await partner_connect("migrate", env=env)
    assert again.returncode == 0, again.stderr
    assert await columns_by_table(empty_database) == schema
    assert await fetch(empty_database, APPLIED) == applied


async def test_search_text_is_folded_again_by_the_second_migration(
    api: object, empty_database: str
) -> None:
    """Rows written before NFKC folding (full-width letters kept as they were) match
    plain-letter searches once migrated."""
    await migrate_apart(empty_database, "models.0001_initial")
    customer, name = uuid.uuid4(), f"{full_width('Woodgrove')} Bank"
    await execute(
        empty_database,
        "INSERT INTO customers (id, tenant_id, company_name, default_domain, search_text, "
        f"created_at) VALUES ('{customer}', '{uuid.uuid4()}', '{name}', 'woodgrove.example', "
        f"'{name.casefold()} woodgrove.example', '2026-11-01 00:00:00+00:00')",
    )
    await migrate_apart(empty_database)
    [(search_text,)] = await fetch(
        empty_database, f"SELECT search_text FROM customers WHERE id = '{customer}'"
    )
    assert search_text == "woodgrove bank woodgrove.example"
