"""The live-event baseline: one Redis pub/sub subscriber fanning every message out to
plain websockets, speaking just enough graphql-transport-ws (connection_init → ack,
subscribe, next) for the suite's subscriber clients.

    python -m bench.baselines.pubsub_ws PORT REDIS_URL CHANNEL
"""

import asyncio
import json
import signal
import sys
from collections import defaultdict

from redis.asyncio import Redis
from websockets.asyncio.server import ServerConnection, broadcast, serve
from websockets.exceptions import ConnectionClosed

PROTOCOL = "graphql-transport-ws"


class Hub:
    def __init__(self) -> None:
        # Operation id → the connections subscribed under it.
        self.subscribers: dict[str, set[ServerConnection]] = defaultdict(set)

    async def handle(self, connection: ServerConnection) -> None:
        operations: set[str] = set()
        try:
            async for raw in connection:
                message = json.loads(raw)
                kind = message.get("type")
                if kind == "connection_init":
                    await connection.send(json.dumps({"type": "connection_ack"}))
                elif kind == "ping":
                    await connection.send(json.dumps({"type": "pong"}))
                elif kind == "subscribe":
                    operations.add(message["id"])
                    self.subscribers[message["id"]].add(connection)
                elif kind == "complete":
                    operations.discard(message["id"])
                    self.subscribers[message["id"]].discard(connection)
        except ConnectionClosed:
            pass
        finally:
            for operation in operations:
                self.subscribers[operation].discard(connection)

    def publish(self, data: bytes) -> None:
        payload = json.loads(data)
        for operation, connections in self.subscribers.items():
            message = json.dumps({"id": operation, "type": "next", "payload": payload})
            broadcast(connections, message)


async def main(port: int, redis_url: str, channel: str) -> None:
    hub = Hub()
    redis = Redis.from_url(redis_url)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopping.set)

    async def relay() -> None:
        async with redis.pubsub() as pubsub:
            await pubsub.subscribe(channel)
            async for message in pubsub.listen():
                if message["type"] == "message":
                    hub.publish(message["data"])

    relaying = asyncio.create_task(relay())
    async with serve(
        hub.handle,
        "127.0.0.1",
        port,
        subprotocols=[PROTOCOL],
        max_queue=None,  # type: ignore[list-item]
    ):
        await stopping.wait()
    relaying.cancel()
    await redis.aclose()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), sys.argv[2], sys.argv[3]))
