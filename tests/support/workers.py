"""The worker as production runs it: `partner-connect worker` in its own process,
configured through the environment, with its health endpoint."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx

from api.settings import Settings
from tests.support.processes import CLI, ROOT, environment, free_port, stop

READY_SECONDS = 30


@dataclass
class WorkerProcess:
    process: asyncio.subprocess.Process
    health_url: str

    async def readiness(self) -> dict[str, str]:
        async with httpx.AsyncClient(timeout=5) as client:
            return dict((await client.get(f"{self.health_url}/readyz")).json())

    async def wait_until(self, worker_state: str) -> None:
        """Until /readyz reports the worker `ok` or `unavailable` (a state change
        the test waits for, bounded)."""
        async with asyncio.timeout(READY_SECONDS):
            while True:
                try:
                    if (await self.readiness()).get("worker") == worker_state:
                        return
                except httpx.TransportError:
                    pass  # not listening yet
                await asyncio.sleep(0.1)  # polling another process's state

    @classmethod
    @asynccontextmanager
    async def running(cls, settings: Settings) -> AsyncIterator["WorkerProcess"]:
        port = free_port()
        process = await asyncio.create_subprocess_exec(
            str(CLI), "worker", "--health-port", str(port), env=environment(settings), cwd=ROOT
        )
        worker = cls(process, f"http://127.0.0.1:{port}")
        try:
            await worker.wait_until("ok")
            yield worker
        finally:
            await stop(process)
