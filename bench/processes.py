"""Child processes of the suite: started in their own session (a Ctrl-C reaches the
suite, which then stops them in order), told by the kernel to stop if the suite dies
(PR_SET_PDEATHSIG), their output kept in a log file shown when they fail."""

import asyncio
import contextlib
import ctypes
import os
import signal
import socket
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
STOP_SECONDS = 10.0
READY_SECONDS = 60.0
_PR_SET_PDEATHSIG = 1


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _die_with_parent() -> None:
    """Runs in the child between fork and exec."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def rss_kib(pid: int) -> int:
    """Resident memory of a process (VmRSS), in KiB."""
    return status_kib(pid, "VmRSS")


class Child:
    """One started process; `stop()` ends it (SIGTERM, then SIGKILL)."""

    def __init__(self, name: str, process: asyncio.subprocess.Process, log: Path) -> None:
        self.name = name
        self.process = process
        self.log = log

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def running(self) -> bool:
        return self.process.returncode is None

    def tail(self, lines: int = 30) -> str:
        try:
            text = self.log.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    async def stop(self) -> None:
        if self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.terminate()
            try:
                await asyncio.wait_for(self.process.wait(), STOP_SECONDS)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    self.process.kill()
                await self.process.wait()

    def kill_now(self) -> None:
        """For the last resort (the event loop is gone): no waiting."""
        if self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.process.pid, signal.SIGKILL)


async def spawn(
    name: str,
    argv: Sequence[str],
    *,
    logs: Path,
    env: Mapping[str, str] | None = None,
    stdin: int | None = None,
    stdout: int | None = None,
) -> Child:
    """Starts `argv`; its stderr (and stdout unless piped) goes to `logs/<name>.log`."""
    log = logs / f"{name}.log"
    with log.open("ab") as handle:
        process = await asyncio.create_subprocess_exec(
            *argv,
            cwd=ROOT,
            env=dict(env) if env is not None else None,
            stdin=stdin if stdin is not None else asyncio.subprocess.DEVNULL,
            stdout=stdout if stdout is not None else handle,
            stderr=handle,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
    return Child(name, process, log)


def python(*args: str) -> list[str]:
    return [sys.executable, *args]


async def wait_http(child: Child, url: str, within: float = READY_SECONDS) -> None:
    """Until `url` answers 200; fails at once if the process has exited."""
    deadline = time.monotonic() + within
    async with httpx.AsyncClient(timeout=5) as client:
        while time.monotonic() < deadline:
            if not child.running:
                raise RuntimeError(
                    f"{child.name} exited ({child.process.returncode}):\n{child.tail()}"
                )
            try:
                if (await client.get(url)).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)  # another process starting up
    raise RuntimeError(f"{child.name} never answered {url}:\n{child.tail()}")


async def wait_port(child: Child, port: int, within: float = READY_SECONDS) -> None:
    """Until something listens on 127.0.0.1:`port`."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if not child.running:
            raise RuntimeError(f"{child.name} exited ({child.process.returncode}):\n{child.tail()}")
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.05)  # another process starting up
            continue
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
        return
    raise RuntimeError(f"{child.name} never listened on port {port}:\n{child.tail()}")


def status_kib(pid: int, field: str) -> int:
    """A memory figure of /proc/<pid>/status (VmRSS, VmHWM…), in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} for process {pid}")
