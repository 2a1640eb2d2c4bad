"""Everything the suite runs against, each in its own process: a fresh PostgreSQL
database, a Redis server, the API (one uvicorn worker), the worker, an SMTP sink, a
stand-in Partner Center, and the baselines. `Stack` starts them and stops every one
(and drops the database) however the run ends."""

import asyncio
import os
import secrets
import shutil
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from api.devtools.partner_center import PartnerCenterState, certificates
from api.settings import Settings, environment
from bench.dataset import BENCH_PARTNER_TENANT
from bench.processes import Child, free_port, python, spawn, wait_http, wait_port

PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
SECRET = "bench-secret-" + "x" * 40
REDIS_PREFIX = "bench"
PUBSUB_CHANNEL = "bench:baseline-events"


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def uvicorn_flags() -> list[str]:
    """How production serves the app (`api.app.SERVER_OPTIONS`: the Dockerfile's
    flags), for the API and every baseline alike."""
    try:
        from api.app import SERVER_OPTIONS

        options = dict(SERVER_OPTIONS)
    except ImportError:
        options = {"http": "h11", "h11_max_incomplete_event_size": 32768}
    flags: list[str] = []
    for key, value in options.items():
        flag = "--" + key.replace("_", "-")
        if isinstance(value, bool):
            flags.append(flag if value else "--no-" + flag[2:])
        else:
            flags += [flag, str(value)]
    return flags


@dataclass
class Server:
    child: Child
    url: str

    @property
    def pid(self) -> int:
        return self.child.pid


class Stack:
    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.logs = workdir / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self._exit = AsyncExitStack()
        self._children: list[Child] = []
        self.database_name = f"bench_{secrets.token_hex(4)}"
        self.database_url = _with_database(PG_URL, self.database_name)
        self.api_port = free_port()
        self.smtp_port = free_port()
        self.partner_center_port = free_port()
        self.redis_port = free_port()
        self.smtp_log = workdir / "smtp.jsonl"
        self.partner_center_log = workdir / "partner-center.jsonl"
        self.flags = uvicorn_flags()
        # The stand-in's certificates and credentials (its process reads them from the
        # environment); the bench partner is the one they act for.
        files = certificates(workdir / "partner-center")
        partner_center = PartnerCenterState(tenant_id=str(BENCH_PARTNER_TENANT))
        settings = Settings(
            database_url=self.database_url,
            redis_url=f"redis://127.0.0.1:{self.redis_port}/0",
            smtp_url=f"smtp://127.0.0.1:{self.smtp_port}",
            public_base_url=f"http://127.0.0.1:{self.api_port}",
            jwt_secret=SECRET,
            redis_prefix=REDIS_PREFIX,
            # Figures of throughput, not of the rate limiter (which still runs).
            invitation_requests_per_minute=1_000_000_000,
            mutations_per_minute=1_000_000_000,
            log_format="json",
            log_level="WARNING",
        )
        self.settings = partner_center.settings(
            settings, f"https://127.0.0.1:{self.partner_center_port}", files.ca_file
        )
        self.env = environment(self.settings)
        self.api: Server | None = None
        self.debug_api: Server | None = None
        self.worker: Child | None = None
        self.worker_health_port = free_port()
        self._baselines: dict[str, Server] = {}
        # The partner the data set belongs to (set once loaded): the raw baselines'.
        self.partner_id = ""

    # -- lifetime -------------------------------------------------------------------

    async def __aenter__(self) -> "Stack":
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        try:
            await asyncio.shield(self._exit.aclose())
        except BaseException:
            for child in self._children:
                child.kill_now()
            raise

    def track(self, child: Child) -> Child:
        self._children.append(child)
        self._exit.push_async_callback(child.stop)
        return child

    # -- services -------------------------------------------------------------------

    async def start(self) -> None:
        """Database (migrated), Redis, SMTP sink, Partner Center, API and worker."""
        await self._create_database()
        await self._start_redis()
        await self._migrate()
        self.track(
            await spawn(
                "smtp-sink",
                python("-m", "bench.sinks", "smtp", str(self.smtp_port), str(self.smtp_log)),
                logs=self.logs,
            )
        )
        self.track(
            await spawn(
                "partner-center",
                python(
                    "-m",
                    "bench.sinks",
                    "partner-center",
                    str(self.partner_center_port),
                    str(self.partner_center_log),
                ),
                logs=self.logs,
                env=self.env,
            )
        )
        await wait_port(self._children[-2], self.smtp_port)
        await wait_port(self._children[-1], self.partner_center_port)
        self.api = await self.start_api("api", self.api_port, self.env)
        # The same code, started at the same time, logging every statement (DEBUG) for
        # the counts of statements per request; idle otherwise.
        self.debug_api = await self.start_api(
            "api-debug", free_port(), {**self.env, "LOG_LEVEL": "DEBUG", "LOG_FORMAT": "json"}
        )
        await self.start_worker()

    async def _create_database(self) -> None:
        connection = await asyncpg.connect(PG_URL)
        try:
            await connection.execute(f'CREATE DATABASE "{self.database_name}"')
        finally:
            await connection.close()
        self._exit.push_async_callback(self._drop_database)

    async def _drop_database(self) -> None:
        connection = await asyncpg.connect(PG_URL)
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{self.database_name}" WITH (FORCE)')
        finally:
            await connection.close()

    async def _start_redis(self) -> None:
        executable = shutil.which("redis-server")
        if executable is None:
            from api.devtools.embedded_redis import _executable

            executable = _executable()
        directory = self.workdir / "redis"
        directory.mkdir(exist_ok=True)
        child = self.track(
            await spawn(
                "redis",
                [
                    executable,
                    "--bind", "127.0.0.1",
                    "--port", str(self.redis_port),
                    "--save", "",
                    "--appendonly", "no",
                    "--dir", str(directory),
                    "--maxclients", "10000",
                ],
                logs=self.logs,
            )
        )  # fmt: skip
        await wait_port(child, self.redis_port)

    async def _migrate(self) -> None:
        child = await spawn("migrate", [str(_cli()), "migrate"], logs=self.logs, env=self.env)
        if await child.process.wait() != 0:
            raise RuntimeError(f"partner-connect migrate failed:\n{child.tail()}")

    async def start_api(self, name: str, port: int, env: dict[str, str]) -> Server:
        """`uvicorn api.app:app`, one worker, configured through the environment."""
        command = python(
            "-m", "uvicorn", "api.app:app", "--host", "127.0.0.1", "--port", str(port),
            "--workers", "1", "--log-level", "warning", *self.flags,
        )  # fmt: skip
        child = self.track(await spawn(name, command, logs=self.logs, env=env))
        url = f"http://127.0.0.1:{port}"
        await wait_http(child, f"{url}/readyz")
        return Server(child, url)

    async def stop(self, server: Server | Child) -> None:
        child = server.child if isinstance(server, Server) else server
        await child.stop()

    async def start_worker(self) -> Child:
        command = [str(_cli()), "worker", "--health-port", str(self.worker_health_port)]
        self.worker = self.track(await spawn("worker", command, logs=self.logs, env=self.env))
        await wait_http(self.worker, f"http://127.0.0.1:{self.worker_health_port}/readyz")
        return self.worker

    async def stop_worker(self) -> None:
        if self.worker is not None:
            await self.worker.stop()
            self.worker = None

    async def baseline(self, name: str) -> Server:
        """A baseline server, started on first use and kept for the run."""
        if name not in self._baselines:
            self._baselines[name] = await _BASELINES[name](self)
        return self._baselines[name]

    async def _uvicorn_baseline(self, name: str, app: str, **env: str) -> Server:
        port = free_port()
        command = python(
            "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port),
            "--workers", "1", "--log-level", "warning", "--no-access-log", *self.flags,
        )  # fmt: skip
        child = self.track(
            await spawn(
                name, command, logs=self.logs, env={**self.env, **self._baseline_env, **env}
            )
        )
        url = f"http://127.0.0.1:{port}"
        await wait_http(child, f"{url}/healthz")
        return Server(child, url)

    @property
    def _baseline_env(self) -> dict[str, str]:
        return {
            "BENCH_DATABASE_URL": self.database_url,
            "BENCH_PARTNER_ID": self.partner_id,
            "BENCH_JWT_SECRET": SECRET,
            "BENCH_JWT_AUDIENCE": self.settings.jwt_audience,
        }

    async def _pubsub_baseline(self) -> Server:
        port = free_port()
        child = self.track(
            await spawn(
                "baseline-pubsub-ws",
                python(
                    "-m", "bench.baselines.pubsub_ws", str(port), self.settings.redis_url,
                    PUBSUB_CHANNEL,
                ),
                logs=self.logs,
            )
        )  # fmt: skip
        await wait_port(child, port)
        return Server(child, f"http://127.0.0.1:{port}")

    async def shell(self, name: str, argv: list[str], env: dict[str, str] | None = None) -> str:
        """Runs a helper process to completion; its stdout."""
        child = await spawn(name, argv, logs=self.logs, env=env, stdout=asyncio.subprocess.PIPE)
        self.track(child)
        assert child.process.stdout is not None
        output = await child.process.stdout.read()
        if await child.process.wait() != 0:
            raise RuntimeError(f"{name} failed:\n{child.tail()}")
        return output.decode()


def _cli() -> Path:
    import sys

    return Path(sys.executable).with_name("partner-connect")


_BASELINES: dict[str, Callable[[Stack], Awaitable[Server]]] = {
    "raw-list": lambda stack: stack._uvicorn_baseline(
        "baseline-raw-list", "bench.baselines.raw:list_app"
    ),
    "raw-insert": lambda stack: stack._uvicorn_baseline(
        "baseline-raw-insert", "bench.baselines.raw:insert_app"
    ),
    "bare-jwt": lambda stack: stack._uvicorn_baseline(
        "baseline-bare-jwt", "bench.baselines.raw:jwt_app"
    ),
    "plain-strawberry": lambda stack: stack._uvicorn_baseline(
        "baseline-plain-strawberry", "bench.baselines.plain_strawberry:app"
    ),
    "pubsub-ws": lambda stack: stack._pubsub_baseline(),
}
