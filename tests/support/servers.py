"""A real uvicorn serving the app, in the test's event loop."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import uvicorn

from api.app import SERVER_OPTIONS, create_app
from api.devtools.servers import until_started
from api.graphql.context import Services
from api.settings import Settings

START_TIMEOUT_SECONDS = 30


@dataclass
class ApiServer:
    url: str
    settings: Settings
    services: Services

    @property
    def ws_url(self) -> str:
        return self.url.replace("http://", "ws://", 1) + "/graphql"

    @classmethod
    @asynccontextmanager
    async def running(cls, settings: Settings) -> AsyncIterator["ApiServer"]:
        app = create_app(settings)
        async with serving(app, **SERVER_OPTIONS) as url:
            yield cls(url=url, settings=settings, services=app.state.services)

    @classmethod
    @asynccontextmanager
    async def alongside(cls, settings: Settings) -> AsyncIterator["ApiServer"]:
        """A second API in this process, configured otherwise, on the first one's
        database connections: its own lifespan would close them when it stops."""
        app = create_app(settings)
        services: Services = app.state.services
        await services.events.start()
        try:
            async with serving(app, lifespan="off", **SERVER_OPTIONS) as url:
                yield cls(url=url, settings=settings, services=services)
        finally:
            await services.events.stop()
            await services.redis.aclose()


@asynccontextmanager
async def serving(app: Any, *, lifespan: str = "on", **options: Any) -> AsyncIterator[str]:
    """`app` served by a real uvicorn on a free port of 127.0.0.1: its base url."""
    config = uvicorn.Config(
        app, host="127.0.0.1", port=0, lifespan=lifespan, log_config=None, **options
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    port = await until_started(server, task, START_TIMEOUT_SECONDS)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
