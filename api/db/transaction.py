"""One change, one transaction."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from tortoise.transactions import in_transaction

from api.db import outbox


@asynccontextmanager
async def atomic() -> AsyncIterator[None]:
    """Everything inside commits together or not at all. Outbox rows written inside
    are reported as committed once it has (see `outbox.collecting`)."""
    with outbox.writing() as rows:
        async with in_transaction():
            yield
    outbox.committed(rows)
