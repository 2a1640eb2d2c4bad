"""Bad input an attack found answered with a 500, an internal error or no answer at
all: each gets a clear error, and the log holds no stack trace."""

import asyncio
import json
import logging

import httpx
import pytest

from api.permissions import Role
from tests.support import factories
from tests.support.documents import REQUEST, SEND
from tests.support.graphql import GraphQLClient
from tests.support.servers import ApiServer
from tests.test_limits import MiB, RawResponse, raw_request

GA, HA = Role.GLOBAL_ADMIN, Role.HELPDESK_AGENT


@pytest.fixture
async def token(gql: GraphQLClient) -> str:
    partner = await factories.partner()
    return gql.token(partner.tenant_id, GA)


def nested(levels: int) -> str:
    """JSON text of objects and arrays nested `levels` deep."""
    pairs = levels // 2
    return '{"deeper": [' * pairs + '"bottom"' + "]}" * pairs


def with_variables(variables: str, key: str = "variables") -> bytes:
    return f'{{"query": "{{ viewer {{ userId }} }}", "{key}": {{"v": {variables}}}}}'.encode()


UNREADABLE_BODIES = {
    "null": b"null",
    "a number": b"123",
    "true": b"true",
    "a string": b'"x"',
    "latin-1": '{"query": "{ viewer { userId } }", "x": "caf\xe9"}'.encode("latin-1"),
    "UTF-16": '{"query": "{ viewer { userId } }"}'.encode("utf-16"),
    "a lone continuation byte": b'{"query": "\x80"}',
    "variables 1000 deep": with_variables(nested(1000)),
    "extensions 1000 deep": with_variables(nested(1000), key="extensions"),
    "arrays 100000 deep": with_variables("[" * 100_000 + "]" * 100_000),
    "operationName a number": b'{"query": "{ viewer { userId } }", "operationName": 5}',
}


@pytest.mark.parametrize("body", UNREADABLE_BODIES.values(), ids=UNREADABLE_BODIES.keys())
async def test_an_unreadable_body_gets_a_400_with_a_code(
    http: httpx.AsyncClient, token: str, body: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        response = await http.post(
            "/graphql",
            content=body,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/json")
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "INVALID"
    assert error["message"]
    assert not [record for record in caplog.records if record.exc_info], caplog.text


async def test_variables_nested_within_the_limit_still_reach_validation(
    gql: GraphQLClient, token: str
) -> None:
    result = await gql("{ viewer { userId } }", {"v": json.loads(nested(20))}, token=token)
    assert result.ok() == {"viewer": {"userId": "user-1"}}


SUBSCRIPTION = "subscription { invitationUpdated { id } }"


@pytest.mark.parametrize(("role", "status", "code"), [(GA, 400, "INVALID"), (HA, 403, "FORBIDDEN")])
async def test_a_subscription_over_http_is_refused_clearly(
    gql: GraphQLClient,
    role: Role,
    status: int,
    code: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    partner = await factories.partner()
    with caplog.at_level(logging.ERROR):
        response = await gql.http.post(
            "/graphql",
            json={"query": SUBSCRIPTION},
            headers={"Authorization": f"Bearer {gql.token(partner.tenant_id, role)}"},
        )
    assert response.status_code == status, response.text
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == code
    if code == "INVALID":
        assert "websocket" in error["message"]
    assert not [record for record in caplog.records if record.exc_info], caplog.text


async def test_two_operations_need_an_operation_name(gql: GraphQLClient, token: str) -> None:
    document = "query A { viewer { userId } } query B { viewer { tenantId } }"
    result = await gql(document, token=token)
    assert result.data is None
    assert result.codes == ["INVALID"]
    assert "operationName" in result.errors[0]["message"]

    response = await gql.http.post(
        "/graphql",
        json={"query": document, "operationName": "B"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert set(response.json()["data"]["viewer"]) == {"tenantId"}


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\u202e"])
@pytest.mark.parametrize("field", ["subject", "body"])
async def test_separators_and_bidi_controls_in_an_edit_are_refused(
    gql: GraphQLClient, separator: str, field: str
) -> None:
    """U+2028 in a subject was accepted, then no email could ever be built from it."""
    partner = await factories.partner()
    token = gql.token(partner.tenant_id, GA)
    requested = await gql(REQUEST, {"input": {"recipientEmail": "it@new.example"}}, token=token)
    invitation = requested.ok()["requestResellerRelationship"]["invitation"]
    edit = {
        "subject": f"Our invitation{separator}today",
        "body": f"Please accept{separator}\n{invitation['url']}",
    }
    result = await gql(
        SEND, {"input": {"invitationId": invitation["id"], field: edit[field]}}, token=token
    )
    payload = result.ok()["sendInvitation"]
    [error] = payload["userErrors"]
    assert (error["code"], error["field"]) == ("INVALID", [field])
    assert payload["invitation"] is None


async def test_a_large_body_sent_in_one_go_gets_its_413(api: ApiServer, token: str) -> None:
    """All of it written before anything is read, more than loopback's socket buffers
    hold: the answer still comes, it does not drown in a connection reset."""
    body = b'{"query": "{ viewer { userId } }", "pad": "' + b"x" * (32 * MiB) + b'"}'
    head = [
        "POST /graphql HTTP/1.1",
        "Content-Type: application/json",
        f"Authorization: Bearer {token}",
        f"Content-Length: {len(body)}",
    ]
    response = await raw_request(api.url, head, body)
    assert_413(response)


def assert_413(response: RawResponse) -> None:
    assert response.status == 413, response
    assert json.loads(response.body)["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"


@pytest.mark.parametrize("size", [64 * 1024, 4 * MiB])
async def test_an_oversized_header_is_refused_and_costs_nothing_after(
    api: ApiServer, http: httpx.AsyncClient, token: str, size: int
) -> None:
    """A head past the bound is dropped while it is still arriving (the client may see
    the connection close before it can read an answer); one that arrived whole is
    answered. Either way the server buffers no more than the bound."""
    head = ["POST /graphql HTTP/1.1", "Content-Type: application/json", "X-Big: " + "a" * size]
    try:
        response = await raw_request(api.url, head)
    except (ConnectionResetError, BrokenPipeError, asyncio.IncompleteReadError):
        assert size > 1024 * 1024  # only a head far past the bound is cut off unanswered
    else:
        assert response.status in (400, 431), response
    answer = await http.post(
        "/graphql",
        json={"query": "{ viewer { userId } }"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 200


async def test_an_oversized_token_is_refused_before_it_is_decoded(
    http: httpx.AsyncClient,
) -> None:
    response = await http.post(
        "/graphql",
        json={"query": "{ viewer { userId } }"},
        headers={"Authorization": "Bearer " + "a" * 20_000},
    )
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_requests_keep_being_served_after_all_that(gql: GraphQLClient, token: str) -> None:
    results = await asyncio.gather(*(gql("{ viewer { userId } }", token=token) for _ in range(5)))
    assert all(result.ok() == {"viewer": {"userId": "user-1"}} for result in results)
