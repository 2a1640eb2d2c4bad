"""Running outbox rows as arq jobs.

Every job takes the id of its outbox row and reads its arguments from there. It is
at-least-once: a job may run again after a crash, so each handler is idempotent,
and the row is marked completed only once the handler is done (or has given up).
Failures are retried with exponential back-off; after the last try the handler's
`on_failure(final=True)` records a visible FAILED state.
"""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from arq import Retry, func
from arq.connections import ArqRedis
from arq.worker import Function

from api.db.outbox import OutboxJob
from api.settings import Settings

logger = logging.getLogger("workers")


@dataclass(frozen=True)
class JobContext:
    settings: Settings
    redis: ArqRedis
    attempt: int

    @property
    def final_attempt(self) -> bool:
        return self.attempt >= self.settings.job_max_tries


# A handler takes the job context and the outbox row's kwargs; a failure handler also
# takes the error and `final=`. (Callable[...]: each has its own keyword arguments.)
Handler = Callable[..., Awaitable[None]]
FailureHandler = Callable[..., Awaitable[None]]


def backoff_seconds(settings: Settings, attempt: int) -> float:
    return float(settings.job_retry_base_seconds * 2 ** (attempt - 1))


SYSTEM_ACTOR = "partner-connect-worker"  # the audit log's actor for what workers do
MAX_ERROR_LENGTH = 500


def describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:MAX_ERROR_LENGTH]


def job_context(ctx: dict[str, Any]) -> JobContext:
    settings: Settings = ctx["settings"]
    return JobContext(settings=settings, redis=ctx["redis"], attempt=int(ctx.get("job_try", 1)))


def outbox_job(name: str, handler: Handler, on_failure: FailureHandler | None = None) -> Function:
    async def run(ctx: dict[str, Any], outbox_id: str) -> str:
        job = job_context(ctx)
        kwargs: dict[str, Any] | None = None  # the row's, once read
        try:
            # Our own time limit, inside arq's: a timeout must come back here to be
            # retried and recorded, not end the job in arq's hands.
            async with asyncio.timeout(job.settings.job_timeout_seconds):
                row = await OutboxJob.get_or_none(id=outbox_id)
                if row is None or row.completed_at is not None:
                    return "already completed"
                kwargs = row.kwargs
                await handler(job, **kwargs)
                await OutboxJob.filter(id=row.id).update(completed_at=datetime.now(UTC))
            return "completed"
        except Exception as error:  # every failure is retried, then recorded
            final = job.final_attempt
            logger.warning(
                "%s %s failed (attempt %d%s): %r",
                name, outbox_id, job.attempt, ", giving up" if final else "", error,
            )  # fmt: skip
            if not final:
                if on_failure is not None and kwargs is not None:
                    with contextlib.suppress(Exception):  # the retry matters more
                        await on_failure(job, error, final=False, **kwargs)
                raise Retry(defer=backoff_seconds(job.settings, job.attempt)) from error
            if kwargs is None:
                # The row itself could not be read: it stays open for the relay to
                # queue again, rather than be closed with its work never done.
                raise
            if on_failure is not None:
                await on_failure(job, error, final=True, **kwargs)
            await OutboxJob.filter(id=outbox_id).update(completed_at=datetime.now(UTC))
            return "failed"

    run.__qualname__ = run.__name__ = name
    # No result kept: the outbox row is the durable record, and a lost job's row must
    # be enqueueable again under the same id.
    return func(run, name=name, keep_result=0)
