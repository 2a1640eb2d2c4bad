"""The partner dashboard: a single-page app served at `/`, talking only to the public
GraphQL API. In `partner-connect dev`, `/dev/demo-users.json` lists demo sign-ins."""

from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

STATIC = Path(__file__).parent / "static"


async def index(request: Request) -> Response:
    return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})


def routes(demo_users: list[dict[str, Any]] | None = None) -> list[BaseRoute]:
    found: list[BaseRoute] = [
        Route("/", index),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    if demo_users is not None:
        users = list(demo_users)

        async def demo_users_json(request: Request) -> JSONResponse:
            return JSONResponse(users)

        found.append(Route("/dev/demo-users.json", demo_users_json))
    return found
