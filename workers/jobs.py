"""Running declared jobs (`api.jobs.Job`) as arq functions, one outbox row each.

A job takes the id of its outbox row and reads its typed arguments from there. It is
at-least-once: a job may run again after a crash, so each handler is idempotent, and
the row is marked completed only once the handler is done (or has given up).
Failures are retried with exponential back-off; after the last try the job's failure
handler records a visible end state (say, FAILED). Outbox rows the job commits are
handed to the queue as soon as it is done.
"""

import asyncio
import contextlib
import logging
from datetime import UTC, datetime
from typing import Any, TypeVar

from arq import Retry, func
from arq.worker import Function

from api.db import outbox
from api.db.outbox import OutboxJob
from api.db.relay import relay_committed
from api.jobs import Failure, Job, JobArgs, JobContext, RetryLater
from api.settings import Settings

logger = logging.getLogger("workers")

ArgsT = TypeVar("ArgsT", bound=JobArgs)

MAX_ERROR_LENGTH = 500


def describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:MAX_ERROR_LENGTH]


def job_context(job: Job[Any], ctx: dict[str, Any]) -> JobContext:
    settings: Settings = ctx["settings"]
    return JobContext(
        settings=settings,
        redis=ctx["redis"],
        attempt=int(ctx.get("job_try", 1)),
        max_tries=job.max_tries(settings),
    )


def arq_function(job: Job[ArgsT], settings: Settings) -> Function:
    async def run(ctx: dict[str, Any], outbox_id: str) -> str:
        context = job_context(job, ctx)
        with outbox.collecting() as committed:
            outcome = await _run(job, context, outbox_id)
        await relay_committed(ctx["redis"], context.settings, committed)
        return outcome

    run.__qualname__ = run.__name__ = job.name
    # No result kept: the outbox row is the durable record, and a lost job's row must
    # be enqueueable again under the same id.
    return func(run, name=job.name, keep_result=0, max_tries=job.max_tries(settings))


async def _run(job: Job[ArgsT], context: JobContext, outbox_id: str) -> str:
    args: ArgsT | None = None  # the row's, once read
    try:
        # Our own time limit, inside arq's: a timeout must come back here to be
        # retried and recorded, not end the job in arq's hands.
        async with asyncio.timeout(context.settings.job_timeout_seconds):
            row = await OutboxJob.get_or_none(id=outbox_id)
            if row is None or row.completed_at is not None:
                return "already completed"
            args = job.read(row.kwargs)
            await job.run(context, args)
            await OutboxJob.filter(id=row.id).update(completed_at=datetime.now(UTC))
        return "completed"
    except Exception as error:  # every failure is retried, then recorded
        final = context.final_attempt
        logger.warning(
            "%s %s failed (attempt %d%s): %r",
            job.name, outbox_id, context.attempt, ", giving up" if final else "", error,
        )  # fmt: skip
        failure = Failure(error=describe(error), final=final)
        if not final:
            if job.on_failure is not None and args is not None:
                with contextlib.suppress(Exception):  # the retry matters more
                    await job.on_failure(context, args, failure)
            if isinstance(error, RetryLater):
                delay = error.seconds
            else:
                delay = job.retry_delay(context.settings, context.attempt)
            raise Retry(defer=delay) from error
        if args is None:
            # The row itself could not be read: it stays open for the relay to
            # queue again, rather than be closed with its work never done.
            raise
        if job.on_failure is not None:
            await job.on_failure(context, args, failure)
        await OutboxJob.filter(id=outbox_id).update(completed_at=datetime.now(UTC))
        return "failed"
