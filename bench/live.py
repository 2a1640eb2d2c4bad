"""Live events: 1,000 graphql-transport-ws subscribers of `invitationAccepted` on the
one API process (in a client process of their own), and the time from an acceptance's
commit (PostgreSQL's notification) to each subscriber's `next`; beside it, a bare
Redis pub/sub → websockets server, timed from the PUBLISH. Also the resident memory
each idle subscriber costs the server."""

import asyncio
import contextlib
import json
import math
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from redis.asyncio import Redis

from bench import commits
from bench.client import GraphQL, node_key
from bench.processes import Child, python, rss_kib, spawn
from bench.results import Results
from bench.stack import PUBSUB_CHANNEL, Stack
from bench.stats import percentile

SUBSCRIPTION = """subscription Accepted {
  invitationAccepted { customerTenantId acceptedAt invitation { id status } }
}"""
KEY_PATH = "invitationAccepted.customerTenantId"
OPEN_TIMEOUT_SECONDS = 300
EVENT_TIMEOUT_SECONDS = 60
WARMUP_TRIES = 3


class Subscribers:
    """The client process holding the subscribers."""

    def __init__(self, child: Child, ready: dict[str, Any]) -> None:
        self.child = child
        self.ready = ready

    @classmethod
    async def open(
        cls, stack: Stack, name: str, ws_url: str, count: int, token: str
    ) -> "Subscribers":
        child = await spawn(
            name,
            python("-m", "bench.subscribers", ws_url, str(count), KEY_PATH, SUBSCRIPTION),
            logs=stack.logs,
            env={**stack.env, "BENCH_TOKEN": token},
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        stack.track(child)
        assert child.process.stdout is not None
        line = await asyncio.wait_for(child.process.stdout.readline(), OPEN_TIMEOUT_SECONDS)
        if not line:
            raise RuntimeError(f"{name} exited:\n{child.tail()}")
        return cls(child, json.loads(line))

    async def collect(self, key: str, count: int) -> tuple[list[float], list[str]]:
        process = self.child.process
        assert process.stdin is not None
        assert process.stdout is not None
        command = {"collect": key, "count": count, "timeout": EVENT_TIMEOUT_SECONDS}
        process.stdin.write((json.dumps(command) + "\n").encode())
        await process.stdin.drain()
        line = await asyncio.wait_for(process.stdout.readline(), EVENT_TIMEOUT_SECONDS + 30)
        if not line:
            raise RuntimeError(f"{self.child.name} exited:\n{self.child.tail()}")
        answer = json.loads(line)
        return [float(t) for t in answer["times"]], list(answer["errors"])

    async def close(self) -> None:
        process = self.child.process
        if process.stdin is not None and process.returncode is None:
            process.stdin.write(b'{"quit": true}\n')
            await process.stdin.drain()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(process.wait(), 30)
        await self.child.stop()


async def _accept(client: GraphQL, events: commits.Commits) -> tuple[str, float | None]:
    """One acceptance: (the customer tenant the event names, when it committed)."""
    tenant = uuid.uuid4()
    invitation_id, invitation_token = await client.invite(
        f"live-{tenant.hex[:8]}@bench.example", "MANUAL"
    )
    await client.accept(invitation_token, tenant)
    committed = await events.wait(commits.ACCEPTED, node_key(invitation_id), EVENT_TIMEOUT_SECONDS)
    return str(tenant), committed


async def _publish(redis: Redis) -> tuple[str, float]:
    tenant = str(uuid.uuid4())
    payload = {
        "data": {
            "invitationAccepted": {
                "customerTenantId": tenant,
                "acceptedAt": datetime.now(UTC).isoformat(),
                "invitation": {"id": str(uuid.uuid4()), "status": "ACCEPTED"},
            }
        }
    }
    published = time.time()
    await redis.publish(PUBSUB_CHANNEL, json.dumps(payload))
    return tenant, published


async def measure(
    stack: Stack,
    client: GraphQL,
    events: commits.Commits,
    token: str,
    results: Results,
    *,
    count: int,
    events_per_round: int,
) -> None:
    assert stack.api is not None
    pubsub = await stack.baseline("pubsub-ws")
    redis = Redis.from_url(stack.settings.redis_url)
    sides: dict[str, Subscribers] = {}
    try:
        for side, pid, url in (
            ("api", stack.api.pid, stack.api.url.replace("http", "ws", 1) + "/graphql"),
            ("pubsub", pubsub.pid, pubsub.url.replace("http", "ws", 1) + "/"),
        ):
            before = rss_kib(pid)
            subscribers = await Subscribers.open(stack, f"subscribers-{side}", url, count, token)
            sides[side] = subscribers
            ready = subscribers.ready
            print(
                f"  {ready['ready']} subscribers of the {side} server open in "
                f"{ready['seconds']:.1f} s"
                + (f", {ready['failed']} failed" if ready["failed"] else ""),
                flush=True,
            )
            if ready["failed"]:
                results.problem(f"{ready['failed']} {side} subscribers failed: {ready['failures']}")
            # A first event reaches every subscriber: all are listening.
            for _ in range(WARMUP_TRIES):
                key, _at = await (_accept(client, events) if side == "api" else _publish(redis))
                times, errors = await subscribers.collect(key, ready["ready"])
                if len(times) >= ready["ready"]:
                    break
            else:
                results.problem(
                    f"{side}: only {len(times)} of {ready['ready']} got the first event"
                )
            if errors:
                results.problem(f"{side} subscribers: {errors}")
            await asyncio.sleep(1)
            per_subscriber = (rss_kib(pid) - before) / max(1, ready["ready"])
            results.samples[f"memory:subscriber:{side}"].append(per_subscriber)
            results.samples[f"live:{side}:open_seconds"].append(float(ready["seconds"]))
        for round_number in range(1, results.rounds + 1):
            for side, subscribers in sides.items():
                latencies: list[float] = []
                expected = subscribers.ready["ready"]
                for _ in range(events_per_round):
                    if side == "api":
                        key, started = await _accept(client, events)
                    else:
                        key, started = await _publish(redis)
                    times, errors = await subscribers.collect(key, expected)
                    if started is None:
                        results.problem("an acceptance's commit was never announced")
                        continue
                    if len(times) < expected or errors:
                        results.problem(
                            f"{side}: {len(times)} of {expected} subscribers got the event; "
                            f"{errors[:2]}"
                        )
                    latencies += [(at - started) * 1000 for at in times]
                p50, p99 = percentile(latencies, 0.5), percentile(latencies, 0.99)
                results.samples[f"live:{side}:p50"].append(p50)
                results.samples[f"live:{side}:p99"].append(p99)
                results.samples[f"live:{side}:max"].append(max(latencies, default=math.nan))
                print(
                    f"  round {round_number}/{results.rounds}  {side:>6}: {events_per_round} "
                    f"event(s) to {expected} subscribers  p50 {p50:7.1f}  p99 {p99:7.1f} ms",
                    flush=True,
                )
    finally:
        for subscribers in sides.values():
            await subscribers.close()
        await redis.aclose()
