"""A real uvicorn serving the app, in the test's event loop."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

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
        config = uvicorn.Config(
            app, host="127.0.0.1", port=0, lifespan="on", log_config=None, **SERVER_OPTIONS
        )
        server = uvicorn.Server(config)
        task = asyncio.create_task(server.serve())
        port = await until_started(server, task, START_TIMEOUT_SECONDS)
        try:
            yield cls(
                url=f"http://127.0.0.1:{port}", settings=settings, services=app.state.services
            )
        finally:
            server.should_exit = True
            await task
