"""`partner-connect dev` as a new user meets it: a port in use is said in one line,
and the demo's new customer is a new tenant every time."""

import asyncio
import os
import re
import signal
import socket
import ssl
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import jwt
import pytest

from api.devtools.dev import demo_seed, demo_users
from api.http.auth import mint_token
from api.integrations.partner_center_notifications import address_key
from api.relationships.models import RelationshipType
from api.settings import Settings, dev_settings
from tests.support.documents import REMOVE, REQUEST, SEND
from tests.support.processes import CLI, environment, free_port, partner_connect

# What dev sets up itself when the environment does not say otherwise.
DEV_OWN_SETTINGS = ("DATABASE_URL", "REDIS_URL", "SMTP_URL", "PUBLIC_BASE_URL", "PARTNER_CENTER_")
# Adatum in the demo data (the README's walk-through removes it).
ADATUM_ID = "Q3VzdG9tZXI6OWVlOTQzZTYtNTk1OC01YzE0LWEyNTctOTFmNTA3MDgwMDgw"
LINE_SECONDS = 90


@dataclass
class Dev:
    """`partner-connect dev` in a subprocess: its output (logs included), line by line."""

    process: asyncio.subprocess.Process
    url: str
    lines: list[str] = field(default_factory=list)

    async def until(self, predicate: Callable[[str], bool]) -> str:
        """The next line of output that satisfies `predicate`."""
        assert self.process.stdout is not None
        async with asyncio.timeout(LINE_SECONDS):
            while True:
                line = (await self.process.stdout.readline()).decode()
                assert line, "dev stopped:\n" + "".join(self.lines)
                self.lines.append(line)
                if predicate(line):
                    return line

    async def stop(self) -> list[str]:
        """Stops it as Ctrl+C does; the lines written meanwhile."""
        assert self.process.stdout is not None
        self.process.send_signal(signal.SIGINT)
        async with asyncio.timeout(LINE_SECONDS):
            rest = (await self.process.stdout.read()).decode().splitlines(keepends=True)
            await self.process.wait()
        self.lines += rest
        return rest


@asynccontextmanager
async def running_dev(directory: Path, *options: str, port: int = 0) -> AsyncIterator[Dev]:
    """`dev` on the embedded defaults in `directory`, once it has printed its banner."""
    port = port or free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(DEV_OWN_SETTINGS)}
    process = await asyncio.create_subprocess_exec(
        str(CLI), "dev", "--port", str(port), "--smtp-port", str(free_port()), *options,
        cwd=directory, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    dev = Dev(process, f"http://127.0.0.1:{port}")
    try:
        await dev.until(lambda line: line.startswith("Stop with Ctrl+C"))
        yield dev
    finally:
        if process.returncode is None:
            process.terminate()
            await process.wait()


async def test_a_port_in_use_is_said_in_one_line(settings: Settings) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        ran = await partner_connect("dev", "--port", str(port), env=environment(settings))
    assert ran.returncode == 2
    [line] = ran.stderr.strip().splitlines()
    assert f"port {port}" in line
    assert "--port" in line
    assert "PARTNER_CONNECT_PORT" in line
    assert "Traceback" not in ran.stderr


def test_the_demos_new_customer_is_a_new_tenant_each_time() -> None:
    settings, demo = dev_settings(), demo_seed()

    def new_customer() -> str:
        [user] = [u for u in demo_users(settings, demo) if u["label"].startswith("A new customer")]
        return str(user["tenantId"])

    assert new_customer() != new_customer()


def test_every_demo_customer_a_partner_can_invite_has_a_demo_user() -> None:
    """A customer known to a demo partner without a reseller relationship (`NONE`) can be
    invited to one: each such customer has its admin among the demo users, so a
    walk-through can be repeated with the next one, without deleting the data."""
    settings, demo = dev_settings(), demo_seed()
    invitable = {
        relationship.customer
        for relationship in demo.relationships
        if relationship.type is RelationshipType.NONE
    }
    names = {customer.id: customer.company_name for customer in demo.customers}
    tenants = {customer.id: str(customer.tenant_id) for customer in demo.customers}
    users = {user["label"]: user for user in demo_users(settings, demo)}

    assert len(invitable) > 1
    for customer in invitable:
        user = users[f"{names[customer]} (existing customer) · CUSTOMER_ADMIN"]
        assert user["tenantId"] == tenants[customer]
        claims = jwt.decode(user["token"], options={"verify_signature": False})
        assert (claims["tid"], claims["roles"]) == (tenants[customer], ["CUSTOMER_ADMIN"])


async def test_dev_with_a_stand_in_partner_center_sends_removals_to_it(tmp_path: Path) -> None:
    """`dev --partner-center`: the banner names the stand-in, and a removal by
    Northwind Traders reaches it with the two documented calls."""
    async with running_dev(tmp_path, "--partner-center") as dev:
        banner = next(line for line in dev.lines if "Partner Center:" in line)
        found = re.search(r"Partner Center: (https://127\.0\.0\.1:\d+) \(the stand-in", banner)
        assert found, banner
        webhook = next(line for line in dev.lines if "Partner Center webhook:" in line)
        demo = demo_seed()
        northwind = next(p for p in demo.partners if p.name == "Northwind Traders")
        key = address_key(dev_settings(), northwind.tenant_id)
        assert webhook.split(": ", 1)[1].strip() == (
            f"{dev.url}/webhooks/partner-center/{northwind.tenant_id}/{key}"
        )
        adatum = next(c for c in demo.customers if c.company_name == "Adatum")
        token = mint_token(dev_settings(), tenant_id=northwind.tenant_id, roles=["GLOBAL_ADMIN"])
        async with httpx.AsyncClient(timeout=30) as http:
            response = await http.post(
                f"{dev.url}/graphql",
                json={"query": REMOVE, "variables": {"input": {
                    "customerId": ADATUM_ID, "attestationAccepted": True,
                }}},
                headers={"Authorization": f"Bearer {token}"},
            )  # fmt: skip
        assert response.json()["data"]["removeResellerRelationship"]["userErrors"] == []
        call = f"Partner Center stand-in: PATCH /v1/customers/{adatum.tenant_id}"
        dap = await dev.until(lambda line: line.startswith(call))
        relationship = await dev.until(lambda line: line.startswith(call))
        # The stand-in signs a notification as Partner Center does; the API verifies it.
        ca_file = tmp_path / ".partner-connect" / "partner-center" / "ca.pem"
        trusting = ssl.create_default_context(cafile=ca_file)
        async with httpx.AsyncClient(timeout=30, verify=trusting) as http:
            notified = await http.post(
                f"{found[1]}/stand-in/notifications",
                json={"eventName": "test-created", "resourceUri": "https://example.test/x"},
            )
        # `partner-connect sync` from the same folder finds the stand-in and dev's
        # database by itself.
        env = {k: v for k, v in os.environ.items() if not k.startswith(DEV_OWN_SETTINGS)}
        sync = await asyncio.create_subprocess_exec(
            str(CLI), "sync", cwd=tmp_path, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        synced, said = (output.decode() for output in await sync.communicate())
        assert sync.returncode == 0, said
        listed = await dev.until(
            lambda line: line.startswith("Partner Center stand-in: GET /v1/customers ")
        )
    assert '"AllowDelegatedAccess": false' in dap
    assert "→ 200" in dap
    assert '"relationshipToPartner": "none"' in relationship
    assert "→ 200" in relationship
    assert "stand-in Partner Center" in said
    assert synced.splitlines()[-1] == (
        "Synced: 2 created, 0 updated, 8 unchanged, 0 failed, 0 flagged."
    ), synced
    assert "→ 200" in listed
    assert not (tmp_path / ".partner-connect" / "partner-center.json").exists()
    assert (notified.status_code, notified.json()) == (
        200,
        {"outcome": "Not an event Partner Connect acts on."},
    )


def left_in_time_wait() -> int:
    """A port that a server listening as uvicorn does (SO_REUSEADDR) has just stopped
    on after closing a connection first: only its TIME-WAIT socket remains, as after
    Ctrl+C on `dev` with a browser tab connected."""
    with socket.socket() as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = int(listener.getsockname()[1])
        with socket.create_connection(("127.0.0.1", port)) as client:
            accepted, _ = listener.accept()
            accepted.close()
            assert client.recv(1) == b""  # the server's side is closing first
    with socket.socket() as plain, pytest.raises(OSError, match="in use"):
        plain.bind(("127.0.0.1", port))  # what a check without SO_REUSEADDR sees
    return port


async def test_dev_starts_again_at_once_on_the_port_it_left(tmp_path: Path) -> None:
    port = left_in_time_wait()
    async with running_dev(tmp_path, port=port) as dev, httpx.AsyncClient(timeout=30) as http:
        assert (await http.get(f"{dev.url}/healthz")).status_code == 200


async def test_an_email_sent_in_dev_stands_out_and_waits_in_the_mailbox(tmp_path: Path) -> None:
    """Each message is one block on the terminal with its links, and listed (escaped) at
    /dev/mailbox; the worker's periodic jobs and the sink's SMTP chatter stay quiet."""
    northwind = next(p for p in demo_seed().partners if p.name == "Northwind Traders")
    token = mint_token(dev_settings(), tenant_id=northwind.tenant_id, roles=["GLOBAL_ADMIN"])
    async with (
        running_dev(tmp_path) as dev,
        httpx.AsyncClient(
            base_url=dev.url, timeout=30, headers={"Authorization": f"Bearer {token}"}
        ) as http,
    ):

        async def run(query: str, **input: object) -> dict:
            response = await http.post(
                "/graphql", json={"query": query, "variables": {"input": input}}
            )
            [payload] = response.json()["data"].values()
            assert payload["userErrors"] == [], payload
            return dict(payload["invitation"])

        invitation = await run(REQUEST, recipientEmail="kim@new.example")
        await run(
            SEND,
            invitationId=invitation["id"],
            subject="Northwind <b>invites</b> you",
            body=f"Hello <script>alert(1)</script>,\n\naccept here: {invitation['url']}\n",
        )
        await dev.until(lambda line: "send_invitation_email ●" in line)
        mailbox = await http.get("/dev/mailbox")
        await dev.stop()
    printed = "".join(dev.lines)
    block = printed[printed.index("Mail to kim@new.example") :]
    assert "Subject: Northwind <b>invites</b> you" in block
    assert f"Link:    {invitation['url']}" in block
    assert f"{dev.url}/dev/mailbox" in block

    assert mailbox.status_code == 200
    assert mailbox.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in mailbox.headers["content-security-policy"]
    assert mailbox.headers["cache-control"] == "no-store"
    assert f'<a href="{invitation["url"]}">' in mailbox.text
    assert "Northwind &lt;b&gt;invites&lt;/b&gt; you" in mailbox.text
    assert "Hello &lt;script&gt;alert(1)&lt;/script&gt;" in mailbox.text
    assert "<script>" not in mailbox.text

    assert not [line for line in dev.lines if "cron:" in line and ("→" in line or "←" in line)]
    assert not [line for line in dev.lines if " mail.log " in line]
    # They did run: the worker counts more jobs done than the lines it showed.
    shown = sum("←" in line for line in dev.lines)
    done = re.search(r"(\d+) jobs complete", printed)
    assert done, printed[-2000:]
    assert int(done[1]) > shown


async def test_the_mailbox_is_only_served_by_dev(http: httpx.AsyncClient) -> None:
    assert (await http.get("/dev/mailbox")).status_code == 404
