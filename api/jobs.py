"""Typed job contracts: work done after a commit, declared once.

A `Job` names its arguments (a pydantic model), what it does and what it records
when it fails. A domain enqueues one inside its transaction with `JOB.enqueue(Args(...))`
— an outbox row, typed and checked by mypy — and the worker's function list is built
from the same declarations (`workers.JOBS`), so a job and its callers cannot disagree
about its arguments.

Jobs run at least once: each must be idempotent.
"""

from collections.abc import Awaitable, Callable
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

    @property
    def final_attempt(self) -> bool:
        return self.attempt >= self.settings.job_max_tries


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

    async def enqueue(self, args: ArgsT) -> None:
        """Run once the current transaction commits (an outbox row written in it)."""
        await outbox.add(self.name, args.model_dump(mode="json", by_alias=True))

    def read(self, kwargs: dict[str, Any]) -> ArgsT:
        return self.args.model_validate(kwargs)
