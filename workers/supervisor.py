"""Keeps the worker running through Redis outages.

arq's worker stops when its Redis connection drops and does not reconnect. The
supervisor runs it again, with back-off, for as long as it is asked to run; the
jobs that were running are cancelled and come back (their outbox rows stay open),
and the first relay after the reconnection offers every open row again, in case
Redis lost its queue.
"""

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass, field

from arq.worker import Worker
from redis.exceptions import RedisError

from api.settings import Settings
from workers import create_worker

logger = logging.getLogger("workers")

FIRST_RETRY_SECONDS = 0.5
MAX_RETRY_SECONDS = 10.0
# A worker that ran this long before losing Redis retries at once, not after the
# back-off of an earlier outage.
STABLE_SECONDS = 30.0
CLOSE_SECONDS = 5.0


@dataclass
class Supervisor:
    settings: Settings
    # "starting", "running", "waiting for Redis" or "stopping": what /readyz reports.
    state: str = "starting"
    restarts: int = 0
    _since: float = field(default_factory=time.monotonic)
    _worker: Worker | None = None

    async def run(self) -> None:
        """Until cancelled (or, in burst mode, until the queue is empty)."""
        delay = FIRST_RETRY_SECONDS
        while True:
            worker = self._worker = create_worker(self.settings)
            self._enter("running")
            try:
                await worker.async_run()
                return
            except (RedisError, OSError) as error:
                if time.monotonic() - self._since > STABLE_SECONDS:
                    delay = FIRST_RETRY_SECONDS
                self.restarts += 1
                self._enter("waiting for Redis")
                logger.warning("the worker lost Redis (%r); reconnecting in %.1f s", error, delay)
            finally:
                await _close(worker)
            await asyncio.sleep(delay)  # back-off between reconnection attempts
            delay = min(delay * 2, MAX_RETRY_SECONDS)

    async def finish_running_jobs(self) -> None:
        """Before stopping: take no more jobs and give the running ones up to
        CLOSE_SECONDS to finish (a job cut short is run again, but need not be)."""
        self._enter("stopping")
        worker = self._worker
        if worker is None:
            return
        worker.allow_pick_jobs = False
        running = [task for task in worker.tasks.values() if not task.done()]
        if running:
            await asyncio.wait(running, timeout=CLOSE_SECONDS)

    def _enter(self, state: str) -> None:
        self.state, self._since = state, time.monotonic()


async def _close(worker: Worker) -> None:
    """Cancels the running jobs and lets go of the connections; with Redis gone, the
    parts that need it fail, and that is fine."""
    # arq's close re-raises the cancellation of the jobs it cancels: the supervisor
    # is stopping anyway, and must still let go of everything.
    with contextlib.suppress(Exception, asyncio.CancelledError):
        async with asyncio.timeout(CLOSE_SECONDS):
            await worker.close()
    if worker._pool is not None:
        with contextlib.suppress(Exception):
            await worker._pool.close(close_connection_pool=True)
