"""The arq worker: `arq workers.WorkerSettings`.

One module per job; `worker_options` is shared by the arq CLI entry point, by
`partner-connect dev` and by the tests, which run the same worker in-process.
"""

import asyncio
import contextlib
from typing import Any

from arq import cron
from arq.connections import RedisSettings
from arq.worker import Worker
from tortoise import Tortoise, connections

from api.db.config import tortoise_config
from api.events import PUBLISH_EVENT
from api.invitations.service import SEND_INVITATION_EMAIL
from api.removals.service import REVOKE_DELEGATED_ADMIN
from api.settings import Settings, get_settings
from workers.delegated_admin_revocation import record_revocation_failure, revoke_delegated_admin
from workers.event_publishing import publish_event
from workers.invitation_email import record_delivery_failure, send_invitation_email
from workers.invitation_expiry import expire_invitations
from workers.jobs import outbox_job
from workers.outbox_relay import relay_outbox

SHUTDOWN_SECONDS = 5

FUNCTIONS = [
    outbox_job(SEND_INVITATION_EMAIL, send_invitation_email, record_delivery_failure),
    outbox_job(REVOKE_DELEGATED_ADMIN, revoke_delegated_admin, record_revocation_failure),
    outbox_job(PUBLISH_EVENT, publish_event),
]


def worker_options(settings: Settings, *, manage_database: bool = True) -> dict[str, Any]:
    async def startup(ctx: dict[str, Any]) -> None:
        ctx["settings"] = settings
        if manage_database:
            # Global: arq runs start-up, jobs and shutdown in different contexts.
            await Tortoise.init(
                config=tortoise_config(settings.database_url), _enable_global_fallback=True
            )

    async def shutdown(ctx: dict[str, Any]) -> None:
        if manage_database:
            # Bounded: a job cancelled mid-transaction must not keep the worker from
            # exiting (its outbox row stays open and is run again).
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(SHUTDOWN_SECONDS):
                    await connections.close_all()

    relay_seconds = max(1, int(settings.outbox_relay_interval_seconds))
    return {
        "functions": FUNCTIONS,
        "cron_jobs": [
            cron(
                relay_outbox,
                second=set(range(0, 60, relay_seconds)),
                run_at_startup=True,
                unique=True,
            ),
            cron(expire_invitations, second=0, run_at_startup=True, unique=True),
        ],
        "redis_settings": RedisSettings.from_dsn(settings.redis_url),
        "queue_name": settings.arq_queue_name,
        "on_startup": startup,
        "on_shutdown": shutdown,
        "max_tries": settings.job_max_tries,
        # Jobs stop themselves at job_timeout_seconds (see workers/jobs.py); arq's
        # limit is only the backstop.
        "job_timeout": settings.job_timeout_seconds + 2,
        "handle_signals": manage_database,
    }


def create_worker(settings: Settings, **overrides: Any) -> Worker:
    """An in-process worker sharing the caller's database connections."""
    options = worker_options(settings, manage_database=False)
    return Worker(**{**options, **overrides})


def _settings_class() -> type:
    settings = get_settings()
    return type("WorkerSettings", (), worker_options(settings))


WorkerSettings = _settings_class()
