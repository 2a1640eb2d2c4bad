"""Typed job contracts: work done after a commit, declared once.

A `Job` names its arguments (a pydantic model), what it does and what it records
when it fails. A domain enqueues one inside its transaction with `JOB.enqueue(Args(...))`
— an outbox row, typed and checked by mypy — and the worker's function list is built
from the same declarations (`workers.JOBS`), so a job and its callers cannot disagree
about its arguments.

Jobs run at least once: each must be idempotent. A failed attempt is retried with
exponential back-off (`JOB_RETRY_BASE_SECONDS`, `JOB_MAX_TRIES`) unless the job
declares a schedule of its own (`retry_delays`); a job that knows when to come back
(a 429's Retry-After) raises `RetryLater`.
"""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict
from redis.asyncio import Redis

from api.db import outbox
from api.settings import Settings


class JobArgs(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


@dataclass(frozen=True)
class JobContext:
    settings: Settings
    redis: Redis
    attempt: int
    # This job's number of tries (its schedule's, or the setting).
    max_tries: int

    @property
    def final_attempt(self) -> bool:
        return self.attempt >= self.max_tries


class RetryLater(Exception):
    """A failed attempt that says when to try again (say, a 429's Retry-After):
    retried after `seconds` instead of the back-off, still counted as a try."""

    def __init__(self, message: str, *, seconds: float) -> None:
        super().__init__(message)
        self.seconds = seconds


@dataclass(frozen=True)
class Failure:
    """A failed attempt, as a failure handler records it."""

    error: str
    # No retry follows: the handler records the end state (say, FAILED).
    final: bool


ArgsT = TypeVar("ArgsT", bound=JobArgs)


@dataclass(frozen=True)
class Job(Generic[ArgsT]):
    name: str
    args: type[ArgsT]
    run: Callable[[JobContext, ArgsT], Awaitable[None]]
    on_failure: Callable[[JobContext, ArgsT, Failure], Awaitable[None]] | None = None
    # The wait before each retry, in seconds, from the settings; None: the settings'
    # exponential back-off (JOB_RETRY_BASE_SECONDS, JOB_MAX_TRIES).
    retry_delays: Callable[[Settings], Sequence[float]] | None = None

    def max_tries(self, settings: Settings) -> int:
        if self.retry_delays is None:
            return settings.job_max_tries
        return len(self.retry_delays(settings)) + 1

    def retry_delay(self, settings: Settings, attempt: int) -> float:
        """The wait after failed attempt number `attempt` (1-based)."""
        if self.retry_delays is None:
            return float(settings.job_retry_base_seconds * 2 ** (attempt - 1))
        delays = self.retry_delays(settings)
        return float(delays[min(attempt, len(delays)) - 1])

    async def enqueue(self, args: ArgsT) -> None:
        """Run once the current transaction commits (an outbox row written in it)."""
        await outbox.add(self.name, args.model_dump(mode="json", by_alias=True))

    def read(self, kwargs: dict[str, Any]) -> ArgsT:
        return self.args.model_validate(kwargs)
