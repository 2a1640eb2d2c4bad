"""`partner-connect worker`: the worker under its supervisor, with a health endpoint.

`GET /healthz` answers while the process is alive; `GET /readyz` says whether the
worker is running and reaches the database and Redis (503 while it waits for Redis).
Container platforms restart the process if it dies; the supervisor keeps it from
dying when Redis goes away.
"""

import asyncio
import contextlib
import logging
import signal
from collections.abc import Iterator

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from tortoise import Tortoise, connections

from api.app import SERVER_OPTIONS, redis_client
from api.db.config import tortoise_config
from api.http.health import Probe, database_probe, health_routes
from api.integrations import partner_center
from api.settings import Settings
from workers.supervisor import Supervisor

logger = logging.getLogger("workers")


class _HealthServer(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield  # SIGTERM and SIGINT are the worker's: it stops, then this server


def health_app(supervisor: Supervisor, settings: Settings) -> Starlette:
    redis = redis_client(settings.redis_url)

    async def running() -> None:
        if supervisor.state != "running":
            raise RuntimeError(supervisor.state)

    def probes(request: Request) -> dict[str, Probe]:
        return {"worker": running, "database": database_probe, "redis": redis.ping}

    return Starlette(routes=health_routes(probes, {"partnerCenter": partner_center.mode(settings)}))


async def run_worker(settings: Settings, *, health_host: str, health_port: int) -> None:
    await Tortoise.init(config=tortoise_config(settings.database_url))
    partner_center.log_mode(settings, "worker")
    supervisor = Supervisor(settings)
    health = _HealthServer(
        uvicorn.Config(
            health_app(supervisor, settings),
            host=health_host,
            port=health_port,
            log_config=None,
            lifespan="off",
            **SERVER_OPTIONS,
        )
    )
    tasks = [
        asyncio.create_task(supervisor.run(), name="worker"),
        asyncio.create_task(health.serve(), name="worker-health"),
    ]

    async def stop() -> None:
        await supervisor.finish_running_jobs()
        tasks[0].cancel()

    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, lambda: stopping.append(asyncio.create_task(stop())))
    stopping: list[asyncio.Task[None]] = []
    try:
        await tasks[0]
    except asyncio.CancelledError:
        logger.info("worker stopped")
    finally:
        health.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await tasks[1]
        await partner_center.close_clients()
        await connections.close_all()
