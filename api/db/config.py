"""Tortoise ORM configuration.

`TORTOISE_ORM` is what Tortoise's own CLI reads
(`tortoise -c api.db.config.TORTOISE_ORM makemigrations`).
"""

from typing import Any

from tortoise.backends.base.config_generator import expand_db_url

from api.settings import get_settings

MODEL_MODULES = [
    "api.partners.models",
    "api.customers.models",
    "api.relationships.models",
    "api.invitations.models",
    "api.removals.models",
    "api.orders.models",
    "api.audit.models",
    "api.webhooks.models",
    "api.db.outbox",
]


def connection(database_url: str) -> str | dict[str, Any]:
    """SQLite through our backend (`api.db.sqlite`: immediate write transactions);
    anything else as Tortoise reads the url."""
    if not database_url.startswith("sqlite://"):
        return database_url
    return {**expand_db_url(database_url), "engine": "api.db.sqlite"}


def tortoise_config(database_url: str) -> dict[str, Any]:
    return {
        "connections": {"default": connection(database_url)},
        "apps": {
            "models": {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": "api.db.migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


TORTOISE_ORM = tortoise_config(get_settings().database_url)
