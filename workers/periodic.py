"""The worker's periodic work, as thin adapters over the domains' functions."""

from typing import Any

from api.db.relay import purge_completed, relay
from api.invitations.expiry import expire_invitations
from workers.jobs import job_context


async def relay_outbox(ctx: dict[str, Any]) -> int:
    """Rows whose hand-over after commit did not happen (Redis was down, the process
    died) or whose job was lost; and rows completed long ago are forgotten."""
    settings = job_context(ctx).settings
    await purge_completed(settings)
    return await relay(ctx["redis"], settings)


async def expire(ctx: dict[str, Any]) -> int:
    return await expire_invitations()
