"""The README's examples, run the way a reader pastes them: every GraphQL block in order,
as the demo user its first line names, against a live server holding the demo data,
with the worker running between mutations; subscriptions over a websocket opened with
the README's own `connection_init`; the curl example through bash; the webhook
receiver as a Python process of its own. The server is configured as
`partner-connect dev` configures it where that matters (webhook endpoints on this
machine over plain http).

Conventions the README keeps (and this test holds it to): one operation per block;
`# As <demo user>` first; `# Answers with <CODE>` for a block meant to be refused; a
```json variables block right after the operation it belongs to, whose `<the … X
answered>` parts name an earlier operation's answer.
"""

import asyncio
import json
import os
import re
import shutil
import sys
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets
from graphql import OperationDefinitionNode, OperationType, parse

from api.devtools import seed
from api.devtools.dev import demo_seed, demo_users
from api.partners.models import Partner
from api.settings import Settings
from tests.support import factories
from tests.support.documents import REMOVE_WITHOUT_GDAP, customer_id
from tests.support.graphql import GraphQLClient
from tests.support.jobs import drain
from tests.support.processes import command, environment, free_port, stop
from tests.support.servers import ApiServer
from tests.support.websocket import PROTOCOL, Subscriber

README = Path(__file__).resolve().parents[1] / "README.md"
FENCE = re.compile(
    r"^(?P<indent> *)```(?P<info>[^\n]*)\n(?P<body>.*?)^(?P=indent)```$", re.M | re.S
)
PLACEHOLDER = re.compile(r"<the (?P<what>[a-z ]+?) (?P<operation>[A-Z]\w+) answered>")
LISTEN_TIMEOUT = 10


@dataclass
class Block:
    info: str
    text: str


@dataclass
class Operation:
    document: str
    name: str
    kind: OperationType
    user: str
    refused_with: str | None
    variables: dict[str, Any] = field(default_factory=dict)


def blocks(markdown: str) -> list[Block]:
    found = []
    for match in FENCE.finditer(markdown):
        indent = len(match["indent"])
        lines = [line[indent:] for line in match["body"].splitlines()]
        found.append(Block(match["info"].strip(), "\n".join(lines)))
    return found


def operation(text: str) -> Operation:
    [definition] = parse(text).definitions  # one operation per block
    assert isinstance(definition, OperationDefinitionNode)
    assert definition.name, f"a README operation has no name:\n{text}"
    comments = [line for line in text.splitlines() if line.startswith("#")]
    user = re.fullmatch(r"# As (.+)", comments[0]) if comments else None
    assert user, f"{definition.name.value} does not say whose token to use"
    refused = [m[1] for line in comments if (m := re.match(r"# Answers with ([A-Z_]+)", line))]
    return Operation(
        document=text,
        name=definition.name.value,
        kind=definition.operation,
        user=user[1],
        refused_with=refused[0] if refused else None,
    )


def operations(markdown: str) -> list[Operation]:
    found: list[Operation] = []
    for block in blocks(markdown):
        if block.info == "graphql":
            found.append(operation(block.text))
        elif block.info == "json variables":
            assert found, "variables before any operation"
            assert not found[-1].variables, f"two blocks of variables for {found[-1].name}"
            found[-1].variables = json.loads(block.text)
    return found


def connection_init(markdown: str, token: str) -> str:
    [init] = [b.text for b in blocks(markdown) if b.info == "json" and "connection_init" in b.text]
    return init.replace("<token>", token)


def fill(value: Any, answers: dict[str, Any]) -> Any:
    """The variables with each `<the … answered>` replaced by that answer's value."""
    if isinstance(value, dict):
        return {key: fill(item, answers) for key, item in value.items()}
    if not isinstance(value, str):
        return value

    def answered(match: re.Match[str]) -> str:
        assert match["operation"] in answers, f"{match[0]}: no such operation before"
        [payload] = answers[match["operation"]].values()
        url = payload["invitation"]["url"]
        known = {
            "invitation id": payload["invitation"]["id"],
            "invitation url": url,
            "token at the end of the url": url.rsplit("/", 1)[1],
        }
        assert match["what"] in known, f"the README asks for an unknown {match[0]}"
        return str(known[match["what"]])

    filled = PLACEHOLDER.sub(answered, value)
    assert "<" not in filled, f"a placeholder this test cannot fill: {value}"
    return filled


def user_error_codes(data: Any) -> list[str]:
    if isinstance(data, dict):
        own = [error["code"] for error in data.get("userErrors") or []]
        return own + [code for item in data.values() for code in user_error_codes(item)]
    return []


@dataclass
class Reader:
    """Pastes the README's operations one after another, as its demo users."""

    api: ApiServer
    gql: GraphQLClient
    settings: Settings
    stack: AsyncExitStack
    demo: seed.SeedFile
    answers: dict[str, Any] = field(default_factory=dict)
    subscriptions: dict[str, Subscriber] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Made once: "A new customer" is a new tenant each time the list is made.
        self.tokens = {u["label"]: u["token"] for u in demo_users(self.settings, self.demo)}

    async def run(self, op: Operation) -> None:
        assert op.user in self.tokens, f"{op.name}: no demo user {op.user!r}"
        if op.kind is OperationType.SUBSCRIPTION:
            self.subscriptions[op.name] = await self.stack.enter_async_context(self.subscribed(op))
            return
        result = await self.gql(
            op.document, fill(op.variables, self.answers), token=self.tokens[op.user]
        )
        codes = [*result.codes, *user_error_codes(result.data)]
        if op.refused_with:
            assert op.refused_with in codes, (op.name, result.body)
        else:
            assert result.status == 200, (op.name, result.body)
            assert codes == [], (op.name, result.body)
            self.answers[op.name] = result.data
        if op.kind is OperationType.MUTATION:
            await drain(self.settings)

    @asynccontextmanager
    async def subscribed(self, op: Operation) -> AsyncIterator[Subscriber]:
        """Subscribed, and registered by the server before the next block runs."""
        [partner] = [p for p in self.demo.partners if op.user.startswith(f"{p.name} · ")]
        events = self.api.services.events
        before = events.listener_count(partner.id)
        async with websockets.connect(self.api.ws_url, subprotocols=[PROTOCOL]) as connection:  # type: ignore[list-item]
            await connection.send(connection_init(README.read_text(), self.tokens[op.user]))
            client = Subscriber(connection)
            assert (await client.receive())["type"] == "connection_ack"
            await client.subscribe(op.document)
            async with asyncio.timeout(LISTEN_TIMEOUT):
                await events.wait_for_listeners(partner.id, before + 1)
            yield client

    async def events(self, name: str, count: int) -> list[dict[str, Any]]:
        received = []
        for _ in range(count):
            message = await self.subscriptions[name].next()
            assert message["type"] == "next", message
            assert "errors" not in message["payload"], message
            received.append(message["payload"]["data"])
        return received


@pytest.fixture(scope="module")
def dev_like(settings: Settings) -> Settings:
    return settings.model_copy(
        update={"webhook_allow_http": True, "webhook_allow_private_targets": True}
    )


@pytest.fixture(scope="module")
async def dev_api(api: ApiServer, dev_like: Settings) -> AsyncIterator[ApiServer]:
    async with ApiServer.alongside(dev_like) as server:
        yield server


def readme(receiver_port: int) -> str:
    """The README, its webhook receiver on a port free here instead of 8088."""
    text = README.read_text()
    assert text.count("8088") == 2, "the receiver's port, in the subscription and the script"
    return text.replace("8088", str(receiver_port))


@asynccontextmanager
async def readme_receiver(text: str, secret: str, port: int) -> AsyncIterator[asyncio.StreamReader]:
    """The README's receiver script running: what it prints."""
    [script] = [b.text for b in blocks(text) if b.info == "python" and "Webhook(" in b.text]
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        script,
        env={**os.environ, "WEBHOOK_SECRET": secret},
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        async with asyncio.timeout(LISTEN_TIMEOUT):
            while True:  # listening once a connection is taken
                try:
                    _, writer = await asyncio.open_connection("127.0.0.1", port)
                except OSError:
                    assert process.returncode is None, "the README's receiver exited"
                    await asyncio.sleep(0.02)
                    continue
                writer.close()
                break
        assert process.stdout is not None
        yield process.stdout
    finally:
        await stop(process)


@pytest.fixture(scope="module")
async def demo(api: ApiServer) -> seed.SeedFile:
    """The demo data, loaded once: the walk-throughs change it as they go."""
    data = demo_seed()
    await seed.load(data)
    return data


async def test_the_readme_curl_example_works_as_pasted(
    demo: seed.SeedFile, api: ApiServer, settings: Settings
) -> None:
    [example] = [b.text for b in blocks(README.read_text()) if b.info == "sh" and "curl" in b.text]
    assert shutil.which("curl"), "the README's first query needs curl (apt-get install curl)"
    script = example.replace("http://127.0.0.1:8000", api.url).replace(
        ".venv/bin/", f"{Path(sys.executable).parent}/"
    )
    ran = await command("bash", "-euo", "pipefail", "-c", script, env=environment(settings))
    assert ran.returncode == 0, ran.stderr
    answer = json.loads(ran.stdout)
    assert "errors" not in answer, answer
    names = [edge["node"]["companyName"] for edge in answer["data"]["customers"]["edges"]]
    assert names == ["Woodgrove Bank"]


async def test_the_readme_walk_throughs_work_as_pasted(
    demo: seed.SeedFile, dev_api: ApiServer, dev_like: Settings
) -> None:
    port = free_port()
    text = readme(port)
    ops = operations(text)
    assert len(ops) >= 15, "the README lost its examples"
    async with AsyncExitStack() as stack:
        http = await stack.enter_async_context(httpx.AsyncClient(base_url=dev_api.url))
        gql = GraphQLClient(http, dev_like)
        reader = Reader(dev_api, gql, dev_like, stack, demo)
        for op in ops:
            await reader.run(op)

        # What the prose around the blocks promises.
        accept_again = next(op for op in ops if op.name == "AcceptContoso")
        accept_again.refused_with = "INVITATION_CLOSED"
        await reader.run(accept_again)
        accepted = await reader.events("Accepted", 2)
        companies = [e["invitationAccepted"]["invitation"]["customer"] for e in accepted]
        assert [company["companyName"] for company in companies] == ["Contoso", "Bellows College"]
        relationship = [
            e["relationshipEvents"] for e in await reader.events("RelationshipEvents", 2)
        ]
        assert [event["kind"] for event in relationship] == ["REMOVED", "DELEGATED_ADMIN_REVOKED"]
        assert relationship[0]["removal"]["status"] == "PENDING"
        [removal] = reader.answers["Removals"]["relationshipRemovals"]["edges"]
        assert removal["node"]["status"] == "COMPLETED"
        assert len(removal["node"]["gdapRelationshipsRetained"]) == 2

        # The receiver, as pasted, verifies what the service signs and prints it.
        created = reader.answers["CreateWebhook"]["createWebhookSubscription"]
        async with readme_receiver(text, created["secret"], port) as printed:
            [seeded] = [p for p in demo.partners if p.name == "Northwind Traders"]
            northwind = await Partner.get(tenant_id=seeded.tenant_id)
            customer = await factories.customer("Trey Research")
            await factories.relate(northwind, customer, dap=True)
            removed = await gql(
                REMOVE_WITHOUT_GDAP,
                {"input": {"customerId": customer_id(customer), "attestationAccepted": True}},
                token=reader.tokens["Northwind Traders · GLOBAL_ADMIN"],
            )
            assert removed.ok()["removeResellerRelationship"]["userErrors"] == []
            await drain(dev_like)
            async with asyncio.timeout(LISTEN_TIMEOUT):
                lines = [(await printed.readline()).decode() for _ in range(2)]
            # What it cannot verify, it refuses.
            forged = await http.post(
                f"http://127.0.0.1:{port}/partner-connect",
                content=b'{"type":"reseller-relationship-removed"}',
                headers={"webhook-id": "x", "webhook-timestamp": "1", "webhook-signature": "v1,x"},
            )
            assert forged.status_code == 401
    # Two deliveries, each its own job: in either order.
    assert sorted(line.split(" ", 2)[1] for line in lines) == [
        "dap-admin-relationship-terminated",
        "reseller-relationship-removed",
    ]
    assert all(str(customer.tenant_id) in line for line in lines)
