"""One mutation, one transaction — and its outbox rows relayed once it has committed."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from arq.connections import ArqRedis
from tortoise.transactions import in_transaction

from api.db.outbox import OutboxJob, pending_jobs
from api.db.relay import relay_after_commit
from api.settings import Settings


@asynccontextmanager
async def atomic(redis: ArqRedis, settings: Settings) -> AsyncIterator[None]:
    """Everything inside commits together or not at all; the outbox rows written
    inside are handed to arq after the commit (if that fails, the relay does it)."""
    jobs: list[OutboxJob] = []
    token = pending_jobs.set(jobs)
    try:
        async with in_transaction():
            yield
    finally:
        pending_jobs.reset(token)
    await relay_after_commit(redis, settings, jobs)
