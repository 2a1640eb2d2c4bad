"""The transactional outbox.

Work decided in a change (an email, a DAP revocation, a subscription event) is
written here in the same transaction as the change (`api.jobs.Job.enqueue`). Once
the transaction commits, whoever owns the process — the API after a mutation, the
worker after a job — hands the rows it committed to arq (`relay.relay_committed`),
with the row id as the job id, so a row is queued at most once at a time; the
worker's periodic relay picks up any row that was missed. The job marks its row
completed when it is done.
"""

from collections.abc import Iterator
from contextlib import contextmanager
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


# Rows written inside the current `atomic()` block, and rows committed while the
# process owner collects them (see `collecting`).
_written: ContextVar[list[OutboxJob] | None] = ContextVar("outbox_written", default=None)
_committed: ContextVar[list[OutboxJob] | None] = ContextVar("outbox_committed", default=None)


async def add(function: str, kwargs: dict[str, Any]) -> OutboxJob:
    """Record a job; call inside the transaction of the change that asks for it."""
    job = await OutboxJob.create(function=function, kwargs=kwargs)
    written = _written.get()
    if written is not None:
        written.append(job)
    return job


@contextmanager
def writing() -> Iterator[list[OutboxJob]]:
    """Collects the rows one transaction writes (used by `atomic`)."""
    rows: list[OutboxJob] = []
    token = _written.set(rows)
    try:
        yield rows
    finally:
        _written.reset(token)


def committed(rows: list[OutboxJob]) -> None:
    """Called once the transaction that wrote `rows` has committed."""
    collected = _committed.get()
    if collected is not None:
        collected.extend(rows)


@contextmanager
def collecting() -> Iterator[list[OutboxJob]]:
    """The rows committed by whatever runs inside, for the caller to relay."""
    rows: list[OutboxJob] = []
    token = _committed.set(rows)
    try:
        yield rows
    finally:
        _committed.reset(token)
