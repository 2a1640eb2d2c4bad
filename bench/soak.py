"""A mixed-load soak: the API and the worker in their own processes, as in
production, driven from this one for SOAK_SECONDS (600 by default) by concurrent
clients reading the customer list and details, requesting and emailing invitations,
accepting them, placing orders and removing relationships.

It prints, and writes to bench/RESULTS.md (section "Soak"): requests by kind and
their latency, errors (target 0: no 5xx, no GraphQL error, no unexpected user
error), emails sent against emails asked for (target: equal, none twice), and the
API's resident memory over time (target: flat, the last minute within 20% of the
first).

    python -m bench.soak            # SOAK_SECONDS=60 for a quick look
"""

import asyncio
import os
import random
import socket
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import httpx
from aiosmtpd.controller import Controller
from tortoise import Tortoise, connections

from api.db.config import tortoise_config
from api.db.migrate import migrate
from api.devtools.embedded_redis import EmbeddedRedis
from api.http.auth import mint_token
from api.partners.models import Partner, PartnerKind
from api.settings import Settings
from bench.harness import SECRET, write_section

SECONDS = float(os.environ.get("SOAK_SECONDS", "600"))
CLIENTS = 8
SAMPLE_SECONDS = 5.0
EXPECTED_USER_ERRORS = {"NO_RESELLER_RELATIONSHIP", "NOT_FOUND", "INVITATION_CLOSED", "CONFLICT"}

LIST = """query($after: String) { customers(first: 20, after: $after) {
  pageInfo { endCursor hasNextPage }
  edges { node { id companyName relationshipToPartner billingProfile { contactEmail }
                 delegatedAdmin { status } } } } }"""
DETAIL = """query($id: ID!) { customer(id: $id) { id companyName
  invitations { edges { node { id status } } } orders { edges { node { id } } } } }"""
REQUEST = """mutation($input: RequestResellerRelationshipInput!) {
  requestResellerRelationship(input: $input) { invitation { id url } userErrors { code } } }"""
SEND = """mutation($input: SendInvitationInput!) {
  sendInvitation(input: $input) { invitation { status } userErrors { code } } }"""
ACCEPT = """mutation($input: AcceptInvitationInput!) {
  acceptInvitation(input: $input) { customerTenantId userErrors { code } } }"""
ORDER = """mutation($input: PlaceOrderInput!) {
  placeOrder(input: $input) { order { id } userErrors { code } } }"""
REMOVE = """mutation($input: RemoveResellerRelationshipInput!) {
  removeResellerRelationship(input: $input) { removal { id } userErrors { code } } }"""
COMPANY = {
    "companyName": "Soak Customer",
    "defaultDomain": "soak.onmicrosoft.com",
    "contactEmail": "it@soak.example",
    "country": "JP",
}
OFFER = "CFQ7TTC0LH18:0001"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Sink:
    def __init__(self) -> None:
        self.recipients: Counter[str] = Counter()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.recipients.update(envelope.rcpt_tos)
        return "250 OK"


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Load:
    def __init__(self, client: httpx.AsyncClient, settings: Settings, partner: Partner) -> None:
        self.client = client
        self.settings = settings
        self.admin = {
            "Authorization": "Bearer "
            + mint_token(settings, tenant_id=partner.tenant_id, roles=["GLOBAL_ADMIN"])
        }
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []
        self.user_errors: Counter[str] = Counter()
        self.invited: list[tuple[str, str]] = []  # (invitation url, recipient) to accept
        self.resold: list[str] = []  # customer ids with a reseller relationship
        self.emails_asked: Counter[str] = Counter()
        # Accepted before the worker mailed it: no email is due any more (sending
        # happens only while the invitation is QUEUED).
        self.accepted_recipients: set[str] = set()

    async def call(
        self, kind: str, query: str, variables: dict[str, Any], headers: dict[str, str]
    ) -> Any:
        started = time.perf_counter()
        try:
            response = await self.client.post(
                "/graphql", json={"query": query, "variables": variables}, headers=headers
            )
        except httpx.HTTPError as error:
            self.errors.append(f"{kind}: {error!r}")
            return None
        self.latency[kind].append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            self.errors.append(f"{kind}: HTTP {response.status_code} {response.text[:200]}")
            return None
        body = response.json()
        if body.get("errors"):
            self.errors.append(f"{kind}: {body['errors'][:1]}")
            return None
        [payload] = body["data"].values()
        for error in (payload or {}).get("userErrors", []) if isinstance(payload, dict) else []:
            self.user_errors[f"{kind}:{error['code']}"] += 1
            if error["code"] not in EXPECTED_USER_ERRORS:
                self.errors.append(f"{kind}: user error {error['code']}")
        return payload

    async def step(self, rng: random.Random) -> None:
        roll = rng.random()
        if roll < 0.45:
            await self.call("list", LIST, {}, self.admin)
        elif roll < 0.60 and self.resold:
            await self.call("detail", DETAIL, {"id": rng.choice(self.resold)}, self.admin)
        elif roll < 0.75:
            recipient = f"admin-{uuid.uuid4().hex[:12]}@soak.example"
            requested = await self.call(
                "request", REQUEST, {"input": {"recipientEmail": recipient}}, self.admin
            )
            if requested and requested["invitation"]:
                invitation = requested["invitation"]
                sent = await self.call(
                    "send", SEND, {"input": {"invitationId": invitation["id"]}}, self.admin
                )
                if sent and sent["invitation"]:
                    self.emails_asked[recipient] += 1
                    self.invited.append((invitation["url"], recipient))
        elif roll < 0.85 and self.invited:
            url, recipient = self.invited.pop(rng.randrange(len(self.invited)))
            tenant = uuid.uuid4()
            admin = {
                "Authorization": "Bearer "
                + mint_token(self.settings, tenant_id=tenant, roles=["CUSTOMER_ADMIN"])
            }
            token = url.rsplit("/", 1)[1]
            accepted = await self.call(
                "accept", ACCEPT, {"input": {"token": token, "company": COMPANY}}, admin
            )
            if accepted and accepted["customerTenantId"]:
                self.accepted_recipients.add(recipient)
                self.resold.extend(await self._customer_ids())
        elif roll < 0.95 and self.resold:
            order = {"customerId": rng.choice(self.resold), "offerId": OFFER, "quantity": 1}
            await self.call("order", ORDER, {"input": order}, self.admin)
        elif self.resold:
            customer = self.resold.pop(rng.randrange(len(self.resold)))
            await self.call(
                "remove",
                REMOVE,
                {"input": {"customerId": customer, "attestationAccepted": True}},
                self.admin,
            )
        else:
            await self.call("list", LIST, {}, self.admin)

    async def _customer_ids(self) -> list[str]:
        payload = await self.call("list", LIST, {}, self.admin)
        known = set(self.resold)
        return [
            edge["node"]["id"]
            for edge in (payload or {}).get("edges", [])
            if edge["node"]["relationshipToPartner"] == "RESELLER"
            and edge["node"]["id"] not in known
        ]


async def wait_until_idle() -> None:
    """The worker has nothing left: no open outbox row (bounded wait)."""
    from api.db.outbox import OutboxJob

    deadline = time.monotonic() + 120
    pending = OutboxJob.filter(completed_at=None)
    while time.monotonic() < deadline and await pending.exists():  # noqa: ASYNC110
        await asyncio.sleep(0.5)  # another process's progress


async def main() -> None:
    async with AsyncExitStack() as stack:
        directory = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        redis_url = os.environ.get("BENCH_REDIS_URL") or stack.enter_context(EmbeddedRedis()).url
        sink = Sink()
        smtp = Controller(sink, hostname="127.0.0.1", port=free_port())
        smtp.start()
        stack.callback(smtp.stop)
        settings = Settings(
            database_url=os.environ.get("BENCH_DATABASE_URL")
            or f"sqlite://{directory / 'soak.sqlite3'}",
            redis_url=redis_url,
            smtp_url=f"smtp://127.0.0.1:{smtp.port}",
            redis_prefix=f"soak-{uuid.uuid4().hex[:8]}",
            jwt_secret=SECRET,
            invitation_requests_per_minute=1_000_000,
            mutations_per_minute=1_000_000,
            log_format="text",
            log_level="WARNING",
        )
        await migrate(settings.database_url)
        await Tortoise.init(config=tortoise_config(settings.database_url))
        stack.push_async_callback(connections.close_all)
        partner = await Partner.create(
            tenant_id=uuid.uuid4(), name="Soak", partner_id="4899997", kind=PartnerKind.DIRECT_BILL
        )
        env = {
            **os.environ,
            **{
                k.upper(): str(v)
                for k, v in settings.model_dump().items()
                if v is not None and not isinstance(v, list)
            },
        }
        api_port, health_port = free_port(), free_port()
        api = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "uvicorn", "api.app:app", "--port", str(api_port),
            "--http", "h11", "--h11-max-incomplete-event-size", "32768", env=env,
        )  # fmt: skip
        worker = await asyncio.create_subprocess_exec(
            str(Path(sys.executable).with_name("partner-connect")),
            "worker",
            "--health-port",
            str(health_port),
            env=env,
        )
        for process in (api, worker):
            stack.push_async_callback(_stop, process)
        client = await stack.enter_async_context(
            httpx.AsyncClient(base_url=f"http://127.0.0.1:{api_port}", timeout=30)
        )
        await _wait_for(client, "/readyz")
        await _wait_for(httpx.AsyncClient(base_url=f"http://127.0.0.1:{health_port}"), "/readyz")

        load = Load(client, settings, partner)
        memory: list[tuple[float, float]] = []
        started = time.monotonic()

        async def client_loop(seed: int) -> None:
            rng = random.Random(seed)
            while time.monotonic() - started < SECONDS:
                await load.step(rng)

        async def sample_memory() -> None:
            while time.monotonic() - started < SECONDS:
                memory.append((time.monotonic() - started, rss_mib(api.pid)))
                await asyncio.sleep(SAMPLE_SECONDS)

        await asyncio.gather(sample_memory(), *(client_loop(seed) for seed in range(CLIENTS)))
        memory.append((time.monotonic() - started, rss_mib(api.pid)))
        await wait_until_idle()
        report(load, sink, memory)


def report(load: Load, sink: Sink, memory: list[tuple[float, float]]) -> None:
    requests = sum(len(samples) for samples in load.latency.values())
    duplicates = [r for r, n in sink.recipients.items() if n > 1]
    missing = [
        r
        for r in load.emails_asked
        if sink.recipients[r] == 0 and r not in load.accepted_recipients
    ]
    overtaken = [r for r in load.accepted_recipients if sink.recipients[r] == 0]
    window = max(60.0, SECONDS / 10)
    first = [mib for at, mib in memory if at <= window]
    last = [mib for at, mib in memory if at >= memory[-1][0] - window]
    flat = statistics.mean(last) <= 1.2 * statistics.mean(first)
    lines = [
        f"{SECONDS:.0f} s, {CLIENTS} concurrent clients, {requests} requests "
        f"({requests / SECONDS:.1f}/s); the API and the worker in their own processes.",
        "",
        "| kind | requests | p50 ms | p99 ms |",
        "|---|---:|---:|---:|",
    ]
    for kind, samples in sorted(load.latency.items()):
        ordered = sorted(samples)
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
        lines.append(f"| {kind} | {len(samples)} | {statistics.median(ordered):.1f} | {p99:.1f} |")
    lines += [
        "",
        f"- errors: **{len(load.errors)}** (target 0)"
        + (f"; first: `{load.errors[0]}`" if load.errors else ""),
        f"- expected refusals from racing clients: {dict(load.user_errors) or 'none'}",
        f"- emails asked for {sum(load.emails_asked.values())}, "
        f"delivered {sum(sink.recipients.values())}, not due any more (accepted before the "
        f"worker mailed them) {len(overtaken)}, never delivered otherwise {len(missing)}, "
        f"delivered twice {len(duplicates)} (targets: 0, 0)",
        f"- API resident memory: first {window:.0f} s {statistics.mean(first):.1f} MiB, "
        f"last {window:.0f} s {statistics.mean(last):.1f} MiB, "
        f"max {max(m for _, m in memory):.1f} MiB (target: last within 20% of first: "
        f"{'met' if flat else 'NOT met'})",
    ]
    text = "\n".join(lines)
    print(text)
    write_section("Soak", text)


async def _wait_for(client: httpx.AsyncClient, path: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if (await client.get(path)).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.2)  # another process starting
    raise RuntimeError(f"{client.base_url}{path} never became ready")


async def _stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.terminate()
        try:
            await asyncio.wait_for(process.wait(), 15)
        except TimeoutError:
            process.kill()
            await process.wait()


if __name__ == "__main__":
    asyncio.run(main())
