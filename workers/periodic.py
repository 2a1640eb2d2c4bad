"""The worker's periodic work, as thin adapters over the domains' functions."""

import logging
from typing import Any

from api.db.relay import purge_completed, relay
from api.invitations.expiry import expire_invitations
from api.relationships.gdap_expiry import alert_expiring
from api.relationships.notifications import purge_received
from api.relationships.sync import sync_configured
from api.settings import Settings
from api.webhooks.delivery import purge_finished

logger = logging.getLogger("workers")


async def relay_outbox(ctx: dict[str, Any]) -> int:
    """Rows whose hand-over after commit did not happen (Redis was down, the process
    died) or whose job was lost; and rows completed long ago are forgotten.

    A Redis that restarted (its run id changed, or this worker has just connected)
    may have lost queued jobs: then every open row is offered again at once, instead
    of waiting for it to look stale.
    """
    settings: Settings = ctx["settings"]
    redis = ctx["redis"]
    run_id = (await redis.info("server")).get("run_id")
    restarted = ctx.get("redis_run_id") != run_id
    if restarted and "redis_run_id" in ctx:
        logger.warning("Redis restarted: offering every open outbox row again")
    ctx["redis_run_id"] = run_id
    await purge_completed(settings)
    return await relay(redis, settings, redis_restarted=restarted)


async def expire(ctx: dict[str, Any]) -> int:
    return await expire_invitations()


async def sync_customers(ctx: dict[str, Any]) -> dict[str, int]:
    """The partner's customers from Partner Center (every hour, when configured)."""
    settings: Settings = ctx["settings"]
    return (await sync_configured(settings)).as_dict()


async def alert_gdap_expiry(ctx: dict[str, Any]) -> int:
    return await alert_expiring()


async def purge_kept_records(ctx: dict[str, Any]) -> dict[str, int]:
    """Webhook deliveries and Partner Center notifications past their retention."""
    settings: Settings = ctx["settings"]
    return {
        "webhookDeliveries": await purge_finished(settings),
        "partnerCenterNotifications": await purge_received(settings),
    }
