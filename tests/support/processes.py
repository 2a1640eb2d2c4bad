"""The API and the `partner-connect` command in subprocesses, configured through the
environment as in production.

An API with other settings (another identity provider, an unreachable Redis) runs in a
subprocess rather than beside the session's server: Tortoise keeps its ORM state per
process, and a second app's lifespan re-initialises, then closes, the connections the
session's server uses.

The listening socket is bound here and handed to uvicorn, so a request sent before the
app has started waits in the socket's backlog: nothing polls and nothing sleeps.
"""

import asyncio
import socket
import sys
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from api.settings import Settings, environment

ROOT = Path(__file__).resolve().parents[2]
CLI = Path(sys.executable).with_name("partner-connect")
COMMAND_TIMEOUT_SECONDS = 60
# A server that does not stop on SIGTERM (say, a test found it stuck) is killed.
STOP_SECONDS = 10


@dataclass
class ApiProcess:
    url: str

    @classmethod
    @asynccontextmanager
    async def running(
        cls, settings: Settings, *, log: Path | None = None
    ) -> AsyncIterator["ApiProcess"]:
        """The API on `settings`; its stderr goes to the file `log` if given (complete
        once the context has exited), else to the test's own stderr."""
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        port = listener.getsockname()[1]
        stderr = log.open("wb") if log else None
        try:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "tests.support.processes",
                str(listener.fileno()),
                pass_fds=(listener.fileno(),),
                env=environment(settings),
                cwd=ROOT,
                stderr=stderr,
            )
        finally:
            # The child holds its own copy; if it dies, connecting fails instead of hanging.
            listener.close()
            if stderr:
                stderr.close()
        try:
            yield cls(url=f"http://127.0.0.1:{port}")
        finally:
            await stop(process)


def free_port() -> int:
    """A port nothing listens on now (for a server that must be told its port)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def stop(process: asyncio.subprocess.Process) -> bool:
    """SIGTERM, then SIGKILL if it has not stopped within STOP_SECONDS. Returns
    whether it stopped by itself."""
    if process.returncode is None:
        process.terminate()
    try:
        async with asyncio.timeout(STOP_SECONDS):
            await process.wait()
    except TimeoutError:
        process.kill()
        await process.wait()
        return False
    return True


@dataclass
class Completed:
    returncode: int
    stdout: str
    stderr: str


async def partner_connect(*args: str, env: Mapping[str, str]) -> Completed:
    """Runs the installed `partner-connect` command."""
    return await command(str(CLI), *args, env=env)


async def command(*argv: str, env: Mapping[str, str]) -> Completed:
    """Runs a program in the checkout, without blocking the servers in this process."""
    process = await asyncio.create_subprocess_exec(
        *argv,
        env=dict(env),
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    async with asyncio.timeout(COMMAND_TIMEOUT_SECONDS):
        stdout, stderr = await process.communicate()
    assert process.returncode is not None
    return Completed(process.returncode, stdout.decode(), stderr.decode())


def _serve(fd: int) -> None:
    import uvicorn

    from api.app import SERVER_OPTIONS

    config = uvicorn.Config("api.app:app", lifespan="on", log_level="warning", **SERVER_OPTIONS)
    uvicorn.Server(config).run(sockets=[socket.socket(fileno=fd)])


if __name__ == "__main__":
    _serve(int(sys.argv[1]))
