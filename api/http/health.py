"""`/healthz` (the process answers) and `/readyz` (what it needs answers too), for the
API and for the worker."""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from tortoise import connections

logger = logging.getLogger("api.health")

READINESS_TIMEOUT_SECONDS = 2.0

Probe = Callable[[], Awaitable[object]]


async def database_probe() -> None:
    await connections.get("default").execute_query("SELECT 1")


async def _readiness(probes: Mapping[str, Probe], details: Mapping[str, str]) -> JSONResponse:
    checks: dict[str, str] = {}
    for name, probe in probes.items():
        try:
            await asyncio.wait_for(probe(), READINESS_TIMEOUT_SECONDS)
            checks[name] = "ok"
        except Exception as error:  # any failure means "not ready", and says why
            logger.warning("readiness check %s failed: %r", name, error)
            checks[name] = "unavailable"
    ready = all(value == "ok" for value in checks.values())
    return JSONResponse(
        {"status": "ok" if ready else "unavailable", **checks, **details},
        200 if ready else 503,
    )


def health_routes(
    probes: Callable[[Request], Mapping[str, Probe]], details: Mapping[str, str] | None = None
) -> list[Route]:
    """The two routes; `probes` names the checks `/readyz` runs for a request, and
    `details` what it reports besides, without a check and whatever its value (say,
    that Partner Center is not configured)."""

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> JSONResponse:
        return await _readiness(probes(request), details or {})

    return [Route("/healthz", healthz), Route("/readyz", readyz)]
