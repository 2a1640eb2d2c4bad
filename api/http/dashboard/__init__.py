"""The partner dashboard: a single-page app served at `/`, talking only to the public
GraphQL API. In `partner-connect dev`, `/dev/demo-users.json` lists demo sign-ins.

Plain ES modules under `static/` (no build step); `static/vendor/` holds the one
vendored library, graphql-ws (see its README).
"""

from collections.abc import Callable
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

STATIC = Path(__file__).parent / "static"


def security_headers(request: Request) -> dict[str, str]:
    """Headers for the dashboard's pages: scripts, styles and connections only from this
    origin (the GraphQL websocket included), and no framing."""
    host = request.headers.get("host", "")
    websockets = f" ws://{host} wss://{host}" if host else ""
    policy = (
        "default-src 'self'; "
        f"connect-src 'self'{websockets}; "
        "img-src 'self' data:; "
        "style-src 'self'; "
        "script-src 'self'; "
        "object-src 'none'; "
        "base-uri 'none'; "
        "form-action 'none'; "
        "frame-ancestors 'none'; "
        # No string ever becomes HTML or script: the browser refuses innerHTML, eval
        # and the like outright, so the `h()`-only rule is enforced, not a habit.
        "require-trusted-types-for 'script'; "
        "trusted-types 'none'"
    )
    return {
        "Content-Security-Policy": policy,
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-cache",
    }


class DashboardFiles(StaticFiles):
    """Static files that browsers revalidate (ETag) on every load, so a new release of
    the modules is picked up at once."""

    def file_response(self, *args: Any, **kwargs: Any) -> Response:
        response = super().file_response(*args, **kwargs)
        response.headers["Cache-Control"] = "no-cache"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response


async def index(request: Request) -> Response:
    return FileResponse(STATIC / "index.html", headers=security_headers(request))


def routes(demo_users: Callable[[], list[dict[str, Any]]] | None = None) -> list[BaseRoute]:
    """`demo_users`: in `dev`, the sign-ins to offer, made afresh for each request (a
    new customer is a new tenant each time, so the demo can be run again)."""
    found: list[BaseRoute] = [
        Route("/", index),
        Mount("/static", DashboardFiles(directory=STATIC), name="static"),
    ]
    if demo_users is not None:
        users = demo_users

        async def demo_users_json(request: Request) -> JSONResponse:
            return JSONResponse(users(), headers={"Cache-Control": "no-store"})

        found.append(Route("/dev/demo-users.json", demo_users_json))
    return found
