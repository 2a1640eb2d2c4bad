"""The arq worker: `arq workers.WorkerSettings`.

A thin adapter: the jobs are the domains' declarations (`JOBS`), run by
`workers.jobs`; the periodic work is in `workers.periodic`. `worker_options` is shared by
the arq CLI entry point, by `partner-connect dev` and by the tests, which run the same
worker in-process.
"""

import asyncio
import contextlib
from typing import Any

from arq import cron
from arq.connections import RedisSettings
from arq.worker import Worker
from tortoise import Tortoise, connections

from api.db.config import tortoise_config
from api.events.publishing import PUBLISH_EVENT
from api.integrations import partner_center
from api.invitations.email_delivery import SEND_INVITATION_EMAIL
from api.jobs import Job
from api.relationships.notifications import CONFIRM_NOTIFICATION
from api.relationships.sync_requests import SYNC_CUSTOMERS
from api.removals.revocation import REVOKE_DELEGATED_ADMIN
from api.settings import Settings, get_settings
from api.webhooks.delivery import DELIVER_WEBHOOK
from workers.jobs import arq_function
from workers.periodic import (
    alert_gdap_expiry,
    expire,
    purge_kept_records,
    relay_outbox,
    sync_customers,
)

SHUTDOWN_SECONDS = 5
# The hourly customer sync from Partner Center, when it is configured.
SYNC_MINUTE = 17
# The hourly look for GDAP relationships about to end.
ALERT_MINUTE = 23
# The hourly deletion of webhook deliveries and notifications past their retention.
PURGE_MINUTE = 41

# Every job a domain declares; an outbox row names one of these.
JOBS: tuple[Job[Any], ...] = (
    SEND_INVITATION_EMAIL,
    REVOKE_DELEGATED_ADMIN,
    PUBLISH_EVENT,
    DELIVER_WEBHOOK,
    CONFIRM_NOTIFICATION,
    SYNC_CUSTOMERS,
)


def worker_options(settings: Settings, *, manage_database: bool = True) -> dict[str, Any]:
    async def startup(ctx: dict[str, Any]) -> None:
        ctx["settings"] = settings
        if manage_database:
            # The arq runner's own start-up (the supervised worker says it in
            # api/devtools/worker.py).
            partner_center.log_mode(settings, "worker")
            # Global: arq runs start-up, jobs and shutdown in different contexts.
            await Tortoise.init(
                config=tortoise_config(settings.database_url), _enable_global_fallback=True
            )

    async def shutdown(ctx: dict[str, Any]) -> None:
        if manage_database:
            await partner_center.close_clients()
            # Bounded: a job cancelled mid-transaction must not keep the worker from
            # exiting (its outbox row stays open and is run again).
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(SHUTDOWN_SECONDS):
                    await connections.close_all()

    relay_seconds = max(1, int(settings.outbox_relay_interval_seconds))
    return {
        "functions": [arq_function(job, settings) for job in JOBS],
        "cron_jobs": [
            cron(
                relay_outbox,
                second=set(range(0, 60, relay_seconds)),
                run_at_startup=True,
                unique=True,
            ),
            cron(expire, second=0, run_at_startup=True, unique=True),
            cron(alert_gdap_expiry, minute=ALERT_MINUTE, second=0, unique=True),
            cron(purge_kept_records, minute=PURGE_MINUTE, second=0, unique=True),
            *(
                [cron(sync_customers, minute=SYNC_MINUTE, second=0, unique=True)]
                if settings.partner_center_configured
                else []
            ),
        ],
        "redis_settings": RedisSettings.from_dsn(settings.redis_url),
        "queue_name": settings.arq_queue_name,
        "on_startup": startup,
        "on_shutdown": shutdown,
        "max_tries": settings.job_max_tries,
        "poll_delay": settings.worker_poll_seconds,
        # Jobs stop themselves at job_timeout_seconds (see workers/jobs.py); arq's
        # limit is only the backstop.
        "job_timeout": settings.job_timeout_seconds + 2,
        "handle_signals": manage_database,
        # On SIGTERM the arq runner takes no more jobs and lets the running ones finish
        # before it cancels them: a cancelled job makes its close skip the shutdown
        # that releases the database.
        "job_completion_wait": SHUTDOWN_SECONDS,
    }


def create_worker(settings: Settings, **overrides: Any) -> Worker:
    """An in-process worker sharing the caller's database connections."""
    options = worker_options(settings, manage_database=False)
    return Worker(**{**options, **overrides})


def _settings_class() -> type:
    settings = get_settings()
    return type("WorkerSettings", (), worker_options(settings))


WorkerSettings = _settings_class()
