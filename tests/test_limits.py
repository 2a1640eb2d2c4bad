"""Limits and bad input (docs/behaviour.md, "Limits"): depth, aliases, tokens and body size
give a clear GraphQL error, never a 500; unexpected errors are masked and logged."""

import asyncio
import json
import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
import pytest
from strawberry.relay import to_base64
from tortoise import connections

from api.partners.models import Partner
from api.relationships.models import Relationship
from tests.support import factories
from tests.support.graphql import GraphQLClient
from tests.support.servers import ApiServer

MiB = 1024 * 1024
LEAKS = ("Traceback", 'File "', "SELECT", "tortoise", "api/")


def assert_clear_error(response: httpx.Response, mentions: str) -> None:
    """A GraphQL error that names the limit, without internals."""
    assert response.status_code in (200, 400), response.text
    messages = [error["message"] for error in response.json()["errors"]]
    assert any(mentions in message.lower() for message in messages), messages
    assert not any(leak in response.text for leak in LEAKS), response.text


async def post(http: httpx.AsyncClient, token: str, query: str) -> httpx.Response:
    return await http.post(
        "/graphql", json={"query": query}, headers={"Authorization": f"Bearer {token}"}
    )


@pytest.fixture
async def token(gql: GraphQLClient) -> str:
    partner = await factories.partner()
    return gql.token(partner.tenant_id, "GLOBAL_ADMIN")


def nested(levels: int) -> str:
    """A selection `levels` fields deep."""
    return "{ viewer " + "{ inner " * (levels - 2) + "{ userId }" + " }" * (levels - 2) + " }"


async def test_a_query_deeper_than_10_is_refused(http: httpx.AsyncClient, token: str) -> None:
    response = await post(http, token, nested(12))
    assert_clear_error(response, "depth")


def aliased(count: int) -> str:
    return "{ " + " ".join(f"v{index}: viewer {{ userId }}" for index in range(count)) + " }"


async def test_15_aliases_are_allowed(http: httpx.AsyncClient, token: str) -> None:
    response = await post(http, token, aliased(15))
    assert response.status_code == 200
    assert "errors" not in response.json()
    assert len(response.json()["data"]) == 15


async def test_16_aliases_are_refused(http: httpx.AsyncClient, token: str) -> None:
    assert_clear_error(await post(http, token, aliased(16)), "alias")


def repeated(fields: int) -> str:
    """`fields` + 6 tokens."""
    return "{ viewer { " + "userId " * fields + "} }"


async def test_more_than_2000_tokens_are_refused(http: httpx.AsyncClient, token: str) -> None:
    assert_clear_error(await post(http, token, repeated(2100)), "token")


# ------------------------------------------------------------------- request body size


def padded_body(size: int) -> bytes:
    """A valid GraphQL request of exactly `size` bytes (JSON whitespace as padding)."""
    body = json.dumps({"query": "{ viewer { userId } }"}).encode()
    return body + b" " * (size - len(body))


async def test_a_body_of_exactly_1_mib_is_accepted(http: httpx.AsyncClient, token: str) -> None:
    response = await http.post(
        "/graphql",
        content=padded_body(MiB),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"data": {"viewer": {"userId": "user-1"}}}


@dataclass
class RawResponse:
    status: int
    headers: dict[str, str]
    body: bytes


async def raw_request(url: str, head: list[str], payload: bytes = b"") -> RawResponse:
    """Sends the request line and headers, then `payload`, over a plain socket, and reads
    the response (which needs no complete request: it may come before the body)."""
    parts = urlsplit(url)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    try:
        async with asyncio.timeout(30):
            writer.write("\r\n".join([*head, f"Host: {parts.netloc}", "", ""]).encode())
            writer.write(payload)
            await writer.drain()
            status_line, *header_lines = (
                (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").strip().split("\r\n")
            )
            headers = {}
            for line in header_lines:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            content = await reader.readexactly(int(headers["content-length"]))
            return RawResponse(int(status_line.split()[1]), headers, content)
    finally:
        writer.close()


def chunked(body: bytes, *, last: bool, size: int = 64 * 1024) -> bytes:
    """`body` in Transfer-Encoding: chunked framing, with the final empty chunk or not."""
    pieces = [body[start : start + size] for start in range(0, len(body), size)]
    framed = b"".join(f"{len(piece):x}\r\n".encode() + piece + b"\r\n" for piece in pieces)
    return framed + (b"0\r\n\r\n" if last else b"")


def assert_payload_too_large(response: RawResponse) -> None:
    assert response.status == 413, response
    assert response.headers["content-type"].startswith("application/json")
    body = json.loads(response.body)
    assert body["data"] is None
    assert body["errors"][0]["message"]
    assert body["errors"][0]["extensions"]["code"]


async def test_a_declared_body_over_1_mib_is_refused_before_it_is_sent(api: ApiServer) -> None:
    """Only the headers go out: the server answers from Content-Length alone."""
    head = ["POST /graphql HTTP/1.1", "Content-Type: application/json"]
    response = await raw_request(api.url, [*head, f"Content-Length: {MiB + 1}"])
    assert_payload_too_large(response)


def chunked_head(token: str) -> list[str]:
    return [
        "POST /graphql HTTP/1.1",
        "Content-Type: application/json",
        "Transfer-Encoding: chunked",
        f"Authorization: Bearer {token}",
    ]


async def test_a_chunked_body_over_1_mib_is_refused(api: ApiServer, token: str) -> None:
    """No Content-Length: the server counts while it reads and answers once the count
    passes the limit, though the body has not ended."""
    payload = chunked(padded_body(MiB + 1), last=False)
    assert_payload_too_large(await raw_request(api.url, chunked_head(token), payload))


async def test_a_chunked_body_under_the_limit_is_served(api: ApiServer, token: str) -> None:
    payload = chunked(padded_body(200_000), last=True)
    response = await raw_request(api.url, chunked_head(token), payload)
    assert response.status == 200, response
    assert json.loads(response.body) == {"data": {"viewer": {"userId": "user-1"}}}


# ---------------------------------------------------------------- unexpected errors


async def corrupt_relationship(partner: Partner) -> str:
    """A row the code cannot read: a relationship type no version of the API knows.
    Returns the customer's id."""
    row = await factories.relate(partner, await factories.customer())
    table = Relationship._meta.db_table
    await connections.get("default").execute_script(
        f"UPDATE {table} SET type = 'FROM_THE_FUTURE' WHERE id = '{row.id}'"
    )
    return to_base64("Customer", row.customer_id)


READING_THE_ROW = {
    "customers": "{ customers { edges { node { id } } } }",
    "customer": "query($id: ID!) { customer(id: $id) { id } }",
    "node": "query($id: ID!) { node(id: $id) { id } }",
}


@pytest.mark.parametrize("field", READING_THE_ROW)
async def test_an_unexpected_error_is_masked_and_logged_with_a_request_id(
    http: httpx.AsyncClient, gql: GraphQLClient, caplog: pytest.LogCaptureFixture, field: str
) -> None:
    """Not hidden either: a row that cannot be read is no reason to answer null."""
    partner = await factories.partner()
    customer_id = await corrupt_relationship(partner)
    with caplog.at_level(logging.ERROR, logger="api"):
        response = await http.post(
            "/graphql",
            json={
                "query": READING_THE_ROW[field],
                "variables": {} if field == "customers" else {"id": customer_id},
            },
            headers={"Authorization": f"Bearer {gql.token(partner.tenant_id, 'GLOBAL_ADMIN')}"},
        )

    assert response.status_code == 200
    request_id = response.headers["x-request-id"]
    body = response.json()
    assert body["data"] is None or body["data"][field] is None
    [error] = body.get("errors") or [{}]
    assert request_id in error.get("message", ""), body
    assert error["path"] == [field]
    assert "FROM_THE_FUTURE" not in response.text
    assert not any(leak in response.text for leak in LEAKS), response.text
    assert error["extensions"]["code"] not in ("FORBIDDEN", "INVALID", "UNAUTHENTICATED")
    logged = [record for record in caplog.records if request_id in record.getMessage()]
    assert any(
        record.exc_info and "FROM_THE_FUTURE" in str(record.exc_info[1]) for record in logged
    ), caplog.text


@pytest.mark.parametrize(
    "query",
    ["{ customers { edges ", "{ noSuchField }", '{ customers(first: "ten") { totalCount } }'],
    ids=["syntax", "unknown field", "wrong argument type"],
)
async def test_malformed_operations_get_an_invalid_code(gql: GraphQLClient, query: str) -> None:
    partner = await factories.partner()
    result = await gql(query, token=gql.token(partner.tenant_id, "GLOBAL_ADMIN"))
    assert result.status in (200, 400)
    assert result.codes
    assert set(result.codes) == {"INVALID"}


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"[]", b'{"query": 42}', b'{"variables": {}}'],
    ids=["bad JSON", "a batch", "query not a string", "no query"],
)
async def test_an_unreadable_request_gets_a_json_error(gql: GraphQLClient, body: bytes) -> None:
    partner = await factories.partner()
    response = await gql.http.post(
        "/graphql",
        content=body,
        headers={
            "Authorization": f"Bearer {gql.token(partner.tenant_id, 'GLOBAL_ADMIN')}",
            "Content-Type": "application/json",
        },
    )
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["errors"][0]["extensions"]["code"] == "INVALID"


@pytest.mark.parametrize("type_name", ["Node", "Query", "PageInfo", "NoSuchType"])
async def test_a_global_id_of_a_type_that_is_no_node_is_unknown(
    gql: GraphQLClient, type_name: str
) -> None:
    partner = await factories.partner()
    result = await gql(
        "query($id: ID!) { node(id: $id) { id } }",
        {"id": to_base64(type_name, "00000000-0000-0000-0000-000000000000")},
        token=gql.token(partner.tenant_id, "GLOBAL_ADMIN"),
    )
    assert result.ok() == {"node": None}
