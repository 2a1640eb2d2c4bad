"""Applying migrations (`partner-connect migrate`, and before tests and `dev`)."""

from tortoise import connections
from tortoise.migrations.api import migrate as apply_migrations

from api.db.config import tortoise_config


async def migrate(database_url: str, target: str | None = None) -> None:
    """Bring the database to the latest migration (or to `target`, say
    "models.0001_initial"); applied ones are skipped."""
    try:
        await apply_migrations(config=tortoise_config(database_url), target=target)
    finally:
        # The migration API leaves its connections open.
        await connections.close_all()
