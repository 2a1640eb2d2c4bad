"""The transactional outbox.

Work decided in a request (an email, a DAP revocation, a subscription event) is
written here in the same transaction as the state change. A relay hands pending
rows to arq with the row id as the job id, so a row is queued at most once at a
time; the job marks its row completed when it is done. A row that was queued but
never completed (Redis or the worker died with it) is queued again after
`outbox_stale_after_seconds`.
"""

from contextvars import ContextVar
from typing import Any

from tortoise import fields

from api.db.base import UUIDModel


class OutboxJob(UUIDModel):
    function = fields.CharField(max_length=100)
    kwargs: fields.Field[dict[str, Any]] = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True)
    enqueued_at = fields.DatetimeField(null=True)
    completed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "outbox_jobs"
        indexes = (("completed_at", "enqueued_at"),)


# The rows written by the current `atomic()` block, to relay once it commits.
pending_jobs: ContextVar[list["OutboxJob"] | None] = ContextVar("pending_jobs", default=None)


async def add(function: str, **kwargs: Any) -> OutboxJob:
    """Record a job; call inside the transaction of the change that asks for it."""
    job = await OutboxJob.create(function=function, kwargs=kwargs)
    pending = pending_jobs.get()
    if pending is not None:
        pending.append(job)
    return job
