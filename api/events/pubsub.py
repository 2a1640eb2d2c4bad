"""Events over Redis pub/sub.

Publishers (the worker's `publish_event` job) send each event on the channel of
every partner it concerns. Each API process holds one pattern subscription for all
partners and fans messages out to its local websocket subscribers, so a dashboard
connected to any replica sees events produced anywhere.
"""

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar
from uuid import UUID

from pydantic import ValidationError
from redis.asyncio import Redis
from redis.exceptions import RedisError

from api.events.models import AnyEvent, Event, decode, encode

logger = logging.getLogger("api.events")

EventT = TypeVar("EventT", bound=AnyEvent)

RECONNECT_MAX_SECONDS = 5.0
QUEUE_SIZE = 1000


def channel(prefix: str, partner_id: UUID | str) -> str:
    return f"{prefix}:events:{partner_id}"


async def publish(
    redis: Redis, prefix: str, partner_ids: Iterable[UUID | str], event: Event
) -> None:
    payload = encode(event)
    for partner_id in partner_ids:
        await redis.publish(channel(prefix, partner_id), payload)


@dataclass(frozen=True)
class Delivery(Generic[EventT]):
    """One event as this process hands it to a partner's subscribers: the same object
    to each of them, with room to share what they read for it (they are all the same
    partner's, so they see the same rows): a thousand dashboards cost the reads of one."""

    event: EventT
    shared: dict[Any, Any] = field(default_factory=dict)


class EventHub:
    def __init__(self, redis_url: str, prefix: str) -> None:
        self._redis_url = redis_url
        self._prefix = prefix
        self._listeners: dict[str, set[asyncio.Queue[Delivery[Any]]]] = defaultdict(set)
        self._task: asyncio.Task[None] | None = None
        self._changed = asyncio.Condition()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="event-hub")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    @asynccontextmanager
    async def listen(self, partner_id: UUID) -> AsyncIterator[asyncio.Queue[Delivery[Any]]]:
        queue: asyncio.Queue[Delivery[Any]] = asyncio.Queue(maxsize=QUEUE_SIZE)
        key = str(partner_id)
        async with self._changed:
            self._listeners[key].add(queue)
            self._changed.notify_all()
        try:
            yield queue
        finally:
            self._listeners[key].discard(queue)
            if not self._listeners[key]:
                del self._listeners[key]

    async def stream(
        self, partner_id: UUID, event_type: type[EventT]
    ) -> AsyncIterator[Delivery[EventT]]:
        """The partner's events of one type, as they arrive, for as long as the caller
        iterates (a subscription)."""
        async with self.listen(partner_id) as queue:
            while True:
                delivery = await queue.get()
                if isinstance(delivery.event, event_type):
                    yield delivery

    def listener_count(self, partner_id: UUID) -> int:
        return len(self._listeners.get(str(partner_id), ()))

    async def wait_for_listeners(self, partner_id: UUID, count: int = 1) -> None:
        """Returns once `count` subscribers of the partner are listening here."""
        async with self._changed:
            await self._changed.wait_for(lambda: self.listener_count(partner_id) >= count)

    def _dispatch(self, channel_name: str, data: bytes | str) -> None:
        partner_id = channel_name.rsplit(":", 1)[-1]
        try:
            event = decode(data)
        except ValidationError:
            logger.warning("dropping a malformed event on %s", channel_name)
            return
        delivery = Delivery(event)
        for queue in self._listeners.get(partner_id, ()):
            if queue.full():
                logger.warning("a subscriber of %s is not keeping up; event dropped", partner_id)
                continue
            queue.put_nowait(delivery)

    async def _run(self) -> None:
        delay = 0.1
        while True:
            redis: Redis = Redis.from_url(self._redis_url)
            try:
                async with redis.pubsub() as pubsub:
                    await pubsub.psubscribe(channel(self._prefix, "*"))
                    delay = 0.1
                    async for message in pubsub.listen():
                        if message["type"] == "pmessage":
                            channel_name = message["channel"]
                            if isinstance(channel_name, bytes):
                                channel_name = channel_name.decode()
                            self._dispatch(channel_name, message["data"])
            except (RedisError, OSError) as error:
                logger.warning("event hub lost Redis (%s); reconnecting in %.1fs", error, delay)
                await asyncio.sleep(delay)  # back-off between reconnection attempts
                delay = min(delay * 2, RECONNECT_MAX_SECONDS)
            finally:
                await redis.aclose()
