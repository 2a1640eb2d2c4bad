"""Shared set-up: a migrated database, an embedded Redis and the app under uvicorn."""

import asyncio
import os
import platform
import resource
import statistics
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

import httpx
import uvicorn

from api.app import create_app
from api.db.migrate import migrate
from api.devtools.embedded_redis import EmbeddedRedis
from api.settings import Settings

SECRET = "bench-secret-" + "x" * 40


@asynccontextmanager
async def running_app() -> AsyncIterator[tuple[httpx.AsyncClient, Settings]]:
    async with AsyncExitStack() as stack:
        directory = stack.enter_context(tempfile.TemporaryDirectory())
        redis_url = os.environ.get("BENCH_REDIS_URL") or stack.enter_context(EmbeddedRedis()).url
        settings = Settings(
            database_url=os.environ.get("BENCH_DATABASE_URL")
            or f"sqlite://{Path(directory) / 'bench.sqlite3'}",
            redis_url=redis_url,
            redis_prefix=f"bench-{uuid.uuid4().hex[:8]}",
            jwt_secret=SECRET,
            invitation_requests_per_minute=1_000_000,
            mutations_per_minute=1_000_000,
        )
        await migrate(settings.database_url)
        server = uvicorn.Server(
            uvicorn.Config(create_app(settings), host="127.0.0.1", port=0, log_level="warning")
        )
        task = asyncio.create_task(server.serve())
        while not server.started:
            if task.done():
                task.result()  # start-up failed: raise why
            await asyncio.sleep(0.01)  # uvicorn has no start-up event
        port = server.servers[0].sockets[0].getsockname()[1]
        client = await stack.enter_async_context(
            httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60)
        )
        try:
            yield client, settings
        finally:
            server.should_exit = True
            await task


async def timed(action: Callable[[], Awaitable[object]], runs: int) -> list[float]:
    """Milliseconds per run, after one warm-up."""
    await action()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        await action()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def summary(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return (
        f"min {ordered[0]:7.2f}  p50 {statistics.median(ordered):7.2f}  "
        f"p95 {p95:7.2f}  max {ordered[-1]:7.2f} ms"
    )


def peak_memory_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


RESULTS = Path(__file__).with_name("RESULTS.md")


def write_section(title: str, text: str) -> None:
    """Replaces the section `## {title}` of bench/RESULTS.md (or adds it), leaving the
    other benchmarks' sections as they are."""
    heading = f"## {title}"
    current = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    sections = current.split("\n## ")
    kept = [sections[0].rstrip()] + [
        f"## {section.rstrip()}" for section in sections[1:] if not section.startswith(f"{title}\n")
    ]
    machine = (
        f"_Machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{time.strftime('%Y-%m-%d')}_"
    )
    kept.append(f"{heading}\n\n{machine}\n\n{text.rstrip()}")
    RESULTS.write_text("\n\n".join(kept) + "\n")
