"""Hands outbox rows to arq: right after the commit that wrote them, periodically on
the worker, and once at API start-up."""

import logging
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from uuid import UUID

from arq.connections import ArqRedis
from tortoise.expressions import Q

from api.db.outbox import OutboxJob
from api.db.retention import delete_before
from api.settings import Settings

logger = logging.getLogger("api.outbox")

BATCH_SIZE = 500


async def relay(
    redis: ArqRedis,
    settings: Settings,
    only: Iterable[UUID] | None = None,
    *,
    redis_restarted: bool = False,
) -> int:
    """Enqueue due rows: never enqueued, or enqueued long ago and still not completed
    — or, once Redis has restarted (and so lost its queue), every row not completed.

    The row id is the arq job id, and arq queues no job whose id it still holds, so a
    row whose job is still queued or running is never queued twice. Returns how many
    rows were handed over.
    """
    now = datetime.now(UTC)
    query = OutboxJob.filter(completed_at=None)
    if not redis_restarted:
        stale_before = now - timedelta(seconds=settings.outbox_stale_after_seconds)
        query = query.filter(Q(enqueued_at=None) | Q(enqueued_at__lt=stale_before))
    if only is not None:
        query = query.filter(id__in=list(only))
    handed = 0
    after: tuple[datetime, UUID] | None = None
    while True:
        page = query
        if after is not None:
            page = page.filter(Q(created_at__gt=after[0]) | Q(created_at=after[0], id__gt=after[1]))
        rows = await page.order_by("created_at", "id").limit(BATCH_SIZE)
        for row in rows:
            await redis.enqueue_job(
                row.function, str(row.id), _job_id=str(row.id), _queue_name=settings.arq_queue_name
            )
            await OutboxJob.filter(id=row.id, completed_at=None).update(enqueued_at=now)
        handed += len(rows)
        if len(rows) < BATCH_SIZE:
            return handed
        after = (rows[-1].created_at, rows[-1].id)


async def purge_completed(settings: Settings) -> int:
    """Completed rows are kept a while (to look into what happened), then deleted."""
    before = datetime.now(UTC) - timedelta(days=settings.outbox_retention_days)
    return await delete_before(OutboxJob, "completed_at", before)


async def relay_committed(redis: ArqRedis, settings: Settings, jobs: Iterable[OutboxJob]) -> None:
    """Hands over rows just committed (`outbox.collecting`). Best effort: if Redis is
    unreachable the rows wait for the worker's periodic relay."""
    ids = [job.id for job in jobs]
    if not ids:
        return
    try:
        await relay(redis, settings, only=ids)
    except Exception as error:  # committed already: never fail the request for this
        logger.warning("outbox: %d job(s) left to the relay: %r", len(ids), error)
