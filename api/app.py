"""The Starlette application: routes, middleware and lifespan.

`uvicorn api.app:app` serves it with settings from the environment; tests and
`partner-connect dev` build their own with `create_app(settings)`.
"""

import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

from arq.connections import ArqRedis
from redis.asyncio import ConnectionPool
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.routing import BaseRoute, Route, WebSocketRoute
from tortoise.contrib.starlette import RegisterTortoise

from api import logs
from api.db.config import tortoise_config
from api.db.relay import relay
from api.events.pubsub import EventHub
from api.graphql.context import Services
from api.http import dashboard, partner_center_notifications
from api.http.auth import TokenVerifier
from api.http.graphql_view import GraphQLView
from api.http.health import Probe, database_probe, health_routes
from api.http.invitation_page import invitation_page
from api.http.middleware import (
    BearerAuthMiddleware,
    RequestIdMiddleware,
    SizeLimitMiddleware,
    UnexpectedErrorMiddleware,
)
from api.integrations import partner_center
from api.settings import Settings, get_settings

logger = logging.getLogger("api")

# How uvicorn must serve the app: h11 bounds a request's head (request line and
# headers) at 32 KiB; httptools accepts headers of any size, and a 32 MB header
# then costs the process 100 MB. `uvicorn api.app:app --http h11
# --h11-max-incomplete-event-size 32768` (Dockerfile, compose) says the same.
SERVER_OPTIONS: dict[str, Any] = {"http": "h11", "h11_max_incomplete_event_size": 32 * 1024}


def redis_client(url: str) -> ArqRedis:
    """Connects lazily, so the API starts (and answers reads) while Redis is down."""
    return ArqRedis(connection_pool=ConnectionPool.from_url(url))


def _probes(request: Request) -> dict[str, Probe]:
    services: Services = request.app.state.services
    return {"database": database_probe, "redis": services.redis.ping}


async def _relay_pending_jobs(services: Services) -> None:
    """Jobs a previous process committed but could not hand to Redis."""
    try:
        await relay(services.redis, services.settings)
    except Exception as error:  # the worker's periodic relay will do it
        logger.warning("outbox relay at start-up skipped: %r", error)


def create_app(
    settings: Settings | None = None,
    *,
    demo_users: Callable[[], list[dict[str, Any]]] | None = None,
    dev_routes: Sequence[BaseRoute] = (),
) -> Starlette:
    settings = settings or get_settings()
    if not settings.auth_configured:
        raise RuntimeError(
            "Set JWT_SECRET (HS256) or JWT_JWKS_URL (RS256) so the API can verify tokens."
        )
    if not settings.token_secret:
        raise RuntimeError("Set INVITATION_SECRET (or JWT_SECRET) to sign invitation links.")
    verifier = TokenVerifier(settings)
    services = Services(
        settings=settings,
        redis=redis_client(settings.redis_url),
        events=EventHub(settings.redis_url, settings.redis_prefix),
    )
    graphql = GraphQLView(services, verifier)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with RegisterTortoise(app, config=tortoise_config(settings.database_url)):
            partner_center.log_mode(settings, "API")
            await services.events.start()
            await _relay_pending_jobs(services)
            try:
                yield
            finally:
                await services.events.stop()
                await services.redis.aclose()

    app = Starlette(
        routes=[
            *health_routes(_probes, {"partnerCenter": partner_center.mode(settings)}),
            Route(
                "/graphql",
                BearerAuthMiddleware(graphql, verifier),
                methods=["GET", "POST"],
                name="graphql",
            ),
            Route("/invitations/{token}", invitation_page),
            *partner_center_notifications.routes(settings),
            WebSocketRoute("/graphql", graphql),
            *dashboard.routes(demo_users),
            *dev_routes,
        ],
        middleware=[
            # Browsers on these origins may call the API (with a bearer token: there are
            # no cookies to forge) and open its websockets.
            Middleware(
                CORSMiddleware,
                allow_origins=settings.allowed_origins,
                allow_methods=["GET", "POST"],
                allow_headers=["Authorization", "Content-Type"],
                expose_headers=["X-Request-ID"],
                max_age=600,
            ),
            Middleware(RequestIdMiddleware),
            Middleware(UnexpectedErrorMiddleware),
            Middleware(SizeLimitMiddleware),
        ],
        lifespan=lifespan,
    )
    app.state.services = services
    return app


def __getattr__(name: str) -> Starlette:
    # `uvicorn api.app:app`: built on first access, so importing this module (tests,
    # the CLI) needs no configuration.
    if name == "app":
        settings = get_settings()
        logs.configure(settings.log_format, settings.log_level)
        application = create_app(settings)
        globals()["app"] = application
        return application
    raise AttributeError(name)
