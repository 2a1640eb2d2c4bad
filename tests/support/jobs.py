"""Running the worker in the test: `drain` runs the real arq worker in burst mode
until no job is left (retries included), so tests wait for work to be done without
timing anything."""

from arq.worker import Worker

from api.settings import Settings
from workers import create_worker


async def drain(settings: Settings, **overrides: object) -> Worker:
    worker = create_worker(settings, burst=True, poll_delay=0.01, **overrides)
    try:
        await worker.async_run()
    finally:
        await worker.close()
    return worker
