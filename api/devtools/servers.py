"""Serving an ASGI app with uvicorn inside an event loop that does other things too
(tests, `partner-connect dev`, the stand-ins)."""

import asyncio

import uvicorn


async def until_started(server: uvicorn.Server, task: "asyncio.Task[None]", seconds: float) -> int:
    """Waits for `server` (served by `task`) to listen, and answers its port; a server
    that failed to start raises its error."""
    async with asyncio.timeout(seconds):
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.01)  # uvicorn offers no start-up event to await
    return int(server.servers[0].sockets[0].getsockname()[1])
