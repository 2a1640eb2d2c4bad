"""Tortoise ORM configuration.

`TORTOISE_ORM` is what Tortoise's own CLI reads
(`tortoise -c api.db.config.TORTOISE_ORM makemigrations`).
"""

from typing import Any

from api.settings import get_settings

MODEL_MODULES = [
    "api.partners.models",
    "api.customers.models",
    "api.relationships.models",
    "api.invitations.models",
    "api.removals.models",
    "api.orders.models",
    "api.audit.models",
    "api.db.outbox",
]


def tortoise_config(database_url: str) -> dict[str, Any]:
    return {
        "connections": {"default": database_url},
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
