"""A partner's own system receiving our webhooks: a real HTTP endpoint that records
every request and answers as a test tells it to (fail some, redirect)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.support.servers import serving


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: str


@dataclass
class Receiver:
    url: str = ""
    received: list[Received] = field(default_factory=list)
    # Answer these statuses first, in order, then 200 (or `always` for good).
    statuses: list[int] = field(default_factory=list)
    always: int | None = None
    redirect_to: str | None = None

    @property
    def endpoint(self) -> str:
        return self.url + "/hooks"

    def with_path(self, path: str) -> list[Received]:
        return [request for request in self.received if request.path == path]

    async def _receive(self, request: Request) -> Response:
        self.received.append(
            Received(request.url.path, dict(request.headers), (await request.body()).decode())
        )
        if self.redirect_to is not None and request.url.path == "/hooks":
            return Response(status_code=307, headers={"location": self.redirect_to})
        status = self.statuses.pop(0) if self.statuses else (self.always or 200)
        return Response(status_code=status)


@asynccontextmanager
async def receiving(**options: Any) -> AsyncIterator[Receiver]:
    """A receiver on a free port of 127.0.0.1; `options` go to uvicorn (a certificate
    to serve https with)."""
    receiver = Receiver()
    app = Starlette(routes=[Route("/{path:path}", receiver._receive, methods=["POST"])])
    async with serving(app, **options) as url:
        receiver.url = url
        yield receiver
