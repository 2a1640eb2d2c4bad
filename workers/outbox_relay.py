"""Periodic outbox relay: picks up rows whose enqueue after commit did not happen
(Redis was down, the API process died) or whose job was lost."""

from typing import Any

from api.db.relay import relay
from workers.jobs import job_context


async def relay_outbox(ctx: dict[str, Any]) -> int:
    job = job_context(ctx)
    return await relay(job.redis, job.settings)
