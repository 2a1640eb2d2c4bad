"""Publishes a subscription event committed to the outbox. At-least-once: after a
crash between publishing and completing, subscribers may see the event twice."""

from typing import Any

from api import events
from workers.jobs import JobContext


async def publish_event(job: JobContext, partner_ids: list[str], event: dict[str, Any]) -> None:
    await events.publish(job.redis, job.settings.redis_prefix, partner_ids, event)
