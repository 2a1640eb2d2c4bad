"""A document's cost is bounded by its size: fragments that spread each other ten
times over (ten million fields from 650 bytes) are refused before validation, over
HTTP and websockets, for any token, while the server goes on serving others.

The server runs in its own process, so a server stuck on a document shows as a
request that gets no answer rather than as a stuck test.
"""

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
import websockets
from graphql import get_introspection_query, parse

from api.graphql.documents import MAX_FIELDS, MAX_REPEATS, measure
from api.settings import Settings
from tests.support import factories
from tests.support.graphql import GraphQLClient
from tests.support.processes import ApiProcess
from tests.support.websocket import PROTOCOL

# Before the fix, L = 8 kept the server busy for 38 s and L = 10 for over 9 minutes.
ANSWER_WITHIN_SECONDS = 1.0


def fan_out(levels: int, spreads: int = 10, operation: str = "query", on: str = "Query") -> str:
    """`...A0`, where each fragment spreads the next one `spreads` times and the last
    selects `__typename`: spreads ** (levels - 1) fields from a few hundred bytes."""
    fragments = [
        f"fragment A{index} on {on} {{ {' '.join([f'...A{index + 1}'] * spreads)} }}"
        for index in range(levels - 1)
    ]
    fragments.append(f"fragment A{levels - 1} on {on} {{ __typename }}")
    return f"{operation} {{ ...A0 }} " + " ".join(fragments)


def test_measuring_counts_each_fragment_once() -> None:
    size = measure(parse(fan_out(12)))
    assert size.fields > 10**11
    assert len(fan_out(8)) < 700


def test_graphiqls_introspection_query_is_within_the_limits() -> None:
    size = measure(parse(get_introspection_query(descriptions=True)))
    assert size.fields < MAX_FIELDS
    assert size.repeats <= MAX_REPEATS


@pytest.fixture(scope="module")
async def server(migrated: Settings) -> AsyncIterator[ApiProcess]:
    async with ApiProcess.running(migrated) as process:
        yield process


@pytest.fixture
async def tokens(gql: GraphQLClient) -> dict[str, str]:
    partner = await factories.partner()
    return {
        "partner": gql.token(partner.tenant_id, "GLOBAL_ADMIN"),
        "customer-side": gql.token(uuid.uuid4(), "CUSTOMER_ADMIN"),
        "no role": gql.token(partner.tenant_id),
    }


async def post(client: httpx.AsyncClient, token: str, query: str) -> httpx.Response:
    return await client.post(
        "/graphql", json={"query": query}, headers={"Authorization": f"Bearer {token}"}
    )


def assert_too_large(body: dict[str, object]) -> None:
    errors = body["errors"]
    assert isinstance(errors, list)
    [error] = errors
    assert error["extensions"]["code"] == "INVALID", error
    assert "too large" in error["message"], error


@pytest.mark.parametrize("principal", ["partner", "customer-side", "no role"])
async def test_fragment_fan_out_over_http_is_refused_at_once(
    server: ApiProcess, tokens: dict[str, str], principal: str
) -> None:
    token = tokens[principal]
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        warm = await post(client, token, "{ viewer { userId } }")  # the server is up
        assert warm.status_code == 200, warm.text
        started = time.monotonic()
        async with asyncio.timeout(ANSWER_WITHIN_SECONDS * 5):
            small, large, served = await asyncio.gather(
                post(client, token, fan_out(8)),
                post(client, token, fan_out(12)),
                post(client, token, "{ viewer { userId tenantId } }"),
            )
        elapsed = time.monotonic() - started
    for response in (small, large):
        assert response.status_code == 200, response.text
        assert response.json()["data"] is None
        assert_too_large(response.json())
    assert served.json()["data"]["viewer"]["userId"] == "user-1"
    assert elapsed < ANSWER_WITHIN_SECONDS, f"answered in {elapsed:.2f} s"


@pytest.mark.parametrize(
    ("operation", "on"), [("query", "Query"), ("subscription", "Subscription")]
)
async def test_fragment_fan_out_over_a_websocket_is_refused_at_once(
    server: ApiProcess, tokens: dict[str, str], operation: str, on: str
) -> None:
    ws_url = server.url.replace("http://", "ws://", 1) + "/graphql"
    async with asyncio.timeout(ANSWER_WITHIN_SECONDS * 5):
        async with websockets.connect(ws_url, subprotocols=[PROTOCOL]) as connection:  # type: ignore[list-item]
            init = {"authorization": f"Bearer {tokens['partner']}"}
            await connection.send(json.dumps({"type": "connection_init", "payload": init}))
            assert json.loads(await connection.recv())["type"] == "connection_ack"
            started = time.monotonic()
            for index, levels in enumerate((8, 12)):
                message = {"query": fan_out(levels, operation=operation, on=on)}
                await connection.send(
                    json.dumps({"id": str(index), "type": "subscribe", "payload": message})
                )
                answer = json.loads(await connection.recv())
                assert answer["id"] == str(index)
                assert answer["type"] in ("error", "next"), answer
                payload = answer["payload"]
                assert_too_large(
                    {"errors": payload if answer["type"] == "error" else payload["errors"]}
                )
            elapsed = time.monotonic() - started
    assert elapsed < ANSWER_WITHIN_SECONDS, f"answered in {elapsed:.2f} s"


@pytest.mark.parametrize(
    ("query", "mentions"),
    [
        ("{ " + "viewer { userId } " * (MAX_REPEATS + 1) + "}", "times in the same place"),
        (
            "{ viewer { ...V ...V2 } } fragment V on Viewer { userId } "
            "fragment V2 on Viewer { " + "userId " * MAX_REPEATS + "}",
            "times in the same place",
        ),
    ],
    ids=["written out", "through fragments"],
)
async def test_one_field_repeated_in_one_place_is_refused(
    gql: GraphQLClient, tokens: dict[str, str], query: str, mentions: str
) -> None:
    """Validation compares every pair of them: 480 copies took 0.7 s to validate."""
    result = await gql(query, token=tokens["partner"])
    assert result.codes == ["INVALID"]
    assert mentions in result.errors[0]["message"]


async def test_repeats_up_to_the_limit_are_served(
    gql: GraphQLClient, tokens: dict[str, str]
) -> None:
    result = await gql("{ viewer { " + "userId " * MAX_REPEATS + "} }", token=tokens["partner"])
    assert result.ok() == {"viewer": {"userId": "user-1"}}
