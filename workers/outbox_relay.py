"""Periodic outbox relay: picks up rows whose enqueue after commit did not happen
(Redis was down, the API process died) or whose job was lost, and forgets rows
completed long ago."""

from typing import Any

from api.db.relay import purge_completed, relay
from workers.jobs import job_context


async def relay_outbox(ctx: dict[str, Any]) -> int:
    job = job_context(ctx)
    await purge_completed(job.settings)
    return await relay(job.redis, job.settings)
