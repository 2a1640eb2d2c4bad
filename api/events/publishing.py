"""Publishing an event once the change it tells of has committed: an outbox job.

At-least-once: after a crash between publishing and completing the job,
subscribers may see the event twice.
"""

from collections.abc import Iterable
from uuid import UUID

from api.events import pubsub
from api.events.models import Event
from api.jobs import Job, JobArgs, JobContext


class PublishEvent(JobArgs):
    partner_ids: list[str]
    event: Event


async def _publish(job: JobContext, args: PublishEvent) -> None:
    await pubsub.publish(job.redis, job.settings.redis_prefix, args.partner_ids, args.event)


PUBLISH_EVENT = Job("publish_event", PublishEvent, _publish)


async def after_commit(partner_ids: Iterable[UUID | None], event: Event) -> None:
    """Publish `event` to these partners once the current transaction commits."""
    targets = sorted({str(partner_id) for partner_id in partner_ids if partner_id is not None})
    await PUBLISH_EVENT.enqueue(PublishEvent(partner_ids=targets, event=event))
