"""Websocket subscribers in a process of their own (the suite drives them through
stdin/stdout, one JSON object a line): opens COUNT graphql-transport-ws connections,
each authenticated in its `connection_init` payload and subscribed to QUERY, and
notes when each `next` arrives, keyed by the field at KEY_PATH of its data.

    python -m bench.subscribers URL COUNT KEY_PATH QUERY   # token in BENCH_TOKEN

Commands on stdin: `{"collect": KEY, "count": N, "timeout": S}` answers with the
arrival times of KEY's events once N have arrived (or S seconds have passed);
`{"quit": true}` closes every connection.
"""

import asyncio
import contextlib
import json
import os
import sys
import time
from collections import defaultdict
from typing import Any

import websockets
from websockets.asyncio.client import ClientConnection

PROTOCOL = "graphql-transport-ws"
OPENING_AT_ONCE = 50


class Subscribers:
    def __init__(self, url: str, query: str, key_path: list[str], token: str) -> None:
        self.url = url
        self.query = query
        self.key_path = key_path
        self.token = token
        self.connections: list[ClientConnection] = []
        self.arrivals: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []
        self.changed = asyncio.Condition()
        self.readers: list[asyncio.Task[None]] = []

    async def open_one(self, gate: asyncio.Semaphore) -> None:
        async with gate:
            connection = await websockets.connect(
                self.url,
                subprotocols=[PROTOCOL],  # type: ignore[list-item]
                max_queue=None,
                open_timeout=60,
                ping_interval=None,
            )
            payload = {"authorization": f"Bearer {self.token}"} if self.token else {}
            await connection.send(json.dumps({"type": "connection_init", "payload": payload}))
            ack = json.loads(await asyncio.wait_for(connection.recv(), 60))
            if ack.get("type") != "connection_ack":
                raise RuntimeError(f"no connection_ack: {ack}")
            await connection.send(
                json.dumps({"id": "1", "type": "subscribe", "payload": {"query": self.query}})
            )
            self.connections.append(connection)
            self.readers.append(asyncio.create_task(self.read(connection)))

    def key_of(self, payload: dict[str, Any]) -> str:
        value: Any = payload.get("data") or {}
        for part in self.key_path:
            value = value.get(part) if isinstance(value, dict) else None
        return str(value)

    async def read(self, connection: ClientConnection) -> None:
        try:
            async for raw in connection:
                arrived = time.time()
                message = json.loads(raw)
                kind = message.get("type")
                if kind == "ping":
                    await connection.send(json.dumps({"type": "pong"}))
                elif kind == "next":
                    payload = message.get("payload") or {}
                    if payload.get("errors"):
                        self.errors.append(json.dumps(payload["errors"])[:300])
                    key = self.key_of(payload)
                    async with self.changed:
                        self.arrivals[key].append(arrived)
                        self.changed.notify_all()
                elif kind in ("error", "complete"):
                    self.errors.append(json.dumps(message)[:300])
        except websockets.ConnectionClosed as closed:
            self.errors.append(f"closed: {closed}")

    async def collect(self, key: str, count: int, within: float) -> list[float]:
        async with self.changed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    self.changed.wait_for(lambda: len(self.arrivals[key]) >= count), within
                )
            return list(self.arrivals.pop(key, []))


def _say(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


async def main(url: str, count: int, key_path: str, query: str) -> None:
    subscribers = Subscribers(url, query, key_path.split("."), os.environ.get("BENCH_TOKEN", ""))
    gate = asyncio.Semaphore(OPENING_AT_ONCE)
    started = time.perf_counter()
    outcomes = await asyncio.gather(
        *(subscribers.open_one(gate) for _ in range(count)), return_exceptions=True
    )
    failures = [repr(outcome) for outcome in outcomes if isinstance(outcome, BaseException)]
    _say(
        {
            "ready": len(subscribers.connections),
            "seconds": time.perf_counter() - started,
            "failures": failures[:5],
            "failed": len(failures),
        }
    )
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while line := await reader.readline():
        command = json.loads(line)
        if command.get("quit"):
            break
        times = await subscribers.collect(
            str(command["collect"]), int(command["count"]), float(command["timeout"])
        )
        _say({"key": command["collect"], "times": times, "errors": subscribers.errors[:5]})
        subscribers.errors.clear()
    for task in subscribers.readers:
        task.cancel()
    await asyncio.gather(
        *(connection.close() for connection in subscribers.connections), return_exceptions=True
    )


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]))
