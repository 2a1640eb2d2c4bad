"""A graphql-transport-ws client, as a dashboard would speak it."""

import asyncio
import itertools
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import websockets
from websockets.asyncio.client import ClientConnection

PROTOCOL = "graphql-transport-ws"
WAIT_SECONDS = 30


class Subscriber:
    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection
        self._ids = itertools.count(1)

    async def receive(self) -> dict[str, Any]:
        message = json.loads(await self.connection.recv())
        assert isinstance(message, dict)
        return message

    async def subscribe(self, query: str) -> str:
        operation_id = str(next(self._ids))
        await self.connection.send(
            json.dumps({"id": operation_id, "type": "subscribe", "payload": {"query": query}})
        )
        return operation_id

    async def next(self) -> dict[str, Any]:
        """The next `next` or `error` message, answering pings on the way; a message
        that never comes fails the test instead of hanging it."""
        async with asyncio.timeout(WAIT_SECONDS):
            return await self._next()

    async def _next(self) -> dict[str, Any]:
        while True:
            message = await self.receive()
            if message["type"] == "ping":
                await self.connection.send(json.dumps({"type": "pong"}))
                continue
            return message


@asynccontextmanager
async def subscriber(ws_url: str, token: str | None) -> AsyncIterator[Subscriber]:
    async with websockets.connect(ws_url, subprotocols=[PROTOCOL]) as connection:  # type: ignore[list-item]
        payload = {"authorization": f"Bearer {token}"} if token else {}
        await connection.send(json.dumps({"type": "connection_init", "payload": payload}))
        client = Subscriber(connection)
        ack = await client.receive()
        assert ack["type"] == "connection_ack", ack
        yield client
