"""`partner-connect dev` as a new user meets it: a port in use is said in one line,
and the demo's new customer is a new tenant every time."""

import asyncio
import os
import re
import socket
import ssl
from collections.abc import Callable
from pathlib import Path

import httpx
import jwt

from api.devtools.dev import demo_seed, demo_users
from api.http.auth import mint_token
from api.relationships.models import RelationshipType
from api.settings import Settings, dev_settings
from tests.support.documents import REMOVE
from tests.support.processes import CLI, environment, free_port, partner_connect

# What dev sets up itself when the environment does not say otherwise.
DEV_OWN_SETTINGS = ("DATABASE_URL", "REDIS_URL", "SMTP_URL", "PUBLIC_BASE_URL", "PARTNER_CENTER_")
# Adatum in the demo data (the README's walk-through removes it).
ADATUM_ID = "Q3VzdG9tZXI6OWVlOTQzZTYtNTk1OC01YzE0LWEyNTctOTFmNTA3MDgwMDgw"


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
    port, smtp_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(DEV_OWN_SETTINGS)}
    process = await asyncio.create_subprocess_exec(
        str(CLI), "dev", "--partner-center", "--port", str(port), "--smtp-port", str(smtp_port),
        cwd=tmp_path, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    assert process.stdout is not None
    lines: list[str] = []

    async def until(predicate: Callable[[str], bool]) -> str:
        assert process.stdout is not None
        while True:
            line = (await process.stdout.readline()).decode()
            assert line, "dev stopped:\n" + "".join(lines)
            lines.append(line)
            if predicate(line):
                return line

    try:
        async with asyncio.timeout(90):
            banner = await until(lambda line: "Partner Center:" in line)
            found = re.search(r"Partner Center: (https://127\.0\.0\.1:\d+) \(the stand-in", banner)
            assert found, banner
            await until(lambda line: line.startswith("Stop with Ctrl+C"))
            demo = demo_seed()
            northwind = next(p for p in demo.partners if p.name == "Northwind Traders")
            adatum = next(c for c in demo.customers if c.company_name == "Adatum")
            token = mint_token(
                dev_settings(), tenant_id=northwind.tenant_id, roles=["GLOBAL_ADMIN"]
            )
            async with httpx.AsyncClient(timeout=30) as http:
                response = await http.post(
                    f"http://127.0.0.1:{port}/graphql",
                    json={"query": REMOVE, "variables": {"input": {
                        "customerId": ADATUM_ID, "attestationAccepted": True,
                    }}},
                    headers={"Authorization": f"Bearer {token}"},
                )  # fmt: skip
            assert response.json()["data"]["removeResellerRelationship"]["userErrors"] == []
            path = f"PATCH /v1/customers/{adatum.tenant_id}"
            dap = await until(lambda line: path in line)
            relationship = await until(lambda line: path in line)
            # The stand-in signs a notification as Partner Center does; the API verifies it.
            ca_file = tmp_path / ".partner-connect" / "partner-center" / "ca.pem"
            trusting = ssl.create_default_context(cafile=ca_file)
            async with httpx.AsyncClient(timeout=30, verify=trusting) as http:
                notified = await http.post(
                    f"{found[1]}/stand-in/notifications",
                    json={"eventName": "test-created", "resourceUri": "https://example.test/x"},
                )
    finally:
        process.terminate()
        await process.wait()
    assert '"AllowDelegatedAccess": false' in dap
    assert "→ 200" in dap
    assert '"relationshipToPartner": "none"' in relationship
    assert "→ 200" in relationship
    assert (notified.status_code, notified.json()) == (
        200,
        {"outcome": "Not an event Partner Connect acts on."},
    )
