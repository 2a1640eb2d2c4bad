"""When PostgreSQL committed something: triggers in the benchmark's database NOTIFY on
an acceptance (invitation → ACCEPTED), a removal (relationship_removals row inserted)
and its completion (→ COMPLETED, the DAP revoked); PostgreSQL delivers a notification
when its transaction commits, and the suite notes the time it arrives."""

import asyncio
import time

import asyncpg

ACCEPTED = "bench_invitation_accepted"
REMOVAL_REQUESTED = "bench_removal_requested"
REMOVAL_COMPLETED = "bench_removal_completed"

_TRIGGERS = f"""
CREATE OR REPLACE FUNCTION bench_notify_commit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify(TG_ARGV[0], to_jsonb(NEW) ->> TG_ARGV[1]);
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS {ACCEPTED} ON invitations;
CREATE TRIGGER {ACCEPTED} AFTER UPDATE ON invitations FOR EACH ROW
    WHEN (NEW.status = 'ACCEPTED' AND OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION bench_notify_commit('{ACCEPTED}', 'id');
DROP TRIGGER IF EXISTS {REMOVAL_REQUESTED} ON relationship_removals;
CREATE TRIGGER {REMOVAL_REQUESTED} AFTER INSERT ON relationship_removals FOR EACH ROW
    EXECUTE FUNCTION bench_notify_commit('{REMOVAL_REQUESTED}', 'customer_id');
DROP TRIGGER IF EXISTS {REMOVAL_COMPLETED} ON relationship_removals;
CREATE TRIGGER {REMOVAL_COMPLETED} AFTER UPDATE ON relationship_removals FOR EACH ROW
    WHEN (NEW.status = 'COMPLETED' AND OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION bench_notify_commit('{REMOVAL_COMPLETED}', 'customer_id');
"""


class Commits:
    def __init__(self) -> None:
        self._connection: asyncpg.Connection | None = None
        self._seen: dict[tuple[str, str], float] = {}
        self._waiting: dict[tuple[str, str], asyncio.Future[float]] = {}

    async def start(self, database_url: str) -> None:
        self._connection = await asyncpg.connect(database_url)
        await self._connection.execute(_TRIGGERS)
        for channel in (ACCEPTED, REMOVAL_REQUESTED, REMOVAL_COMPLETED):
            await self._connection.add_listener(channel, self._notified)

    async def close(self) -> None:
        if self._connection is not None:
            await self._connection.close()

    def _notified(self, connection: object, pid: int, channel: str, payload: str) -> None:
        arrived = time.time()
        waiter = self._waiting.pop((channel, payload), None)
        if waiter is not None and not waiter.done():
            waiter.set_result(arrived)
        else:
            self._seen[(channel, payload)] = arrived

    async def wait(self, channel: str, key: str, within: float) -> float | None:
        """When the commit of `key` on `channel` was announced (None: not in time)."""
        seen = self._seen.pop((channel, key), None)
        if seen is not None:
            return seen
        waiter = asyncio.get_running_loop().create_future()
        self._waiting[(channel, key)] = waiter
        try:
            return await asyncio.wait_for(waiter, within)
        except TimeoutError:
            return None
        finally:
            self._waiting.pop((channel, key), None)
