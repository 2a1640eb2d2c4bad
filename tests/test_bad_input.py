"""Bad input an attack found answered with a 500, an internal error or no answer at
all: each gets a clear error, and the log holds no stack trace."""

import asyncio
import json
import logging
import re
import time
import uuid
from typing import Any

import httpx
import jwt
import pytest

from api.partners.models import PartnerKind
from api.permissions import Role
from api.relationships.models import RelationshipType
from tests.support import factories
from tests.support.documents import (
    ACCEPT,
    AUDIT,
    PLACE_ORDER,
    REMOVE,
    REQUEST,
    SEND,
    customer_id,
    partner_id,
    token_of,
)
from tests.support.graphql import GraphQLClient
from tests.support.servers import ApiServer
from tests.support.tokens import claims, hs256
from tests.test_limits import MiB, RawResponse, raw_request

GA, HA, CA = Role.GLOBAL_ADMIN, Role.HELPDESK_AGENT, Role.CUSTOMER_ADMIN


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
    assert "operation name" in result.errors[0]["message"]

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


# What a message must not hold: the API's words where a person's belong.
JARGON = {
    "a field name": re.compile(r"\b[a-z]+[A-Z][A-Za-z]*"),
    "a type name": re.compile(r"\b(?!GraphQL\b)[A-Z][a-z]+[A-Z][A-Za-z]*"),
    "an enum constant": re.compile(r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b"),
    "code in backticks": re.compile(r"`"),
    "a quoted identifier": re.compile(r"'[a-z_]+'"),
    "an id": re.compile(r"\bids?\b", re.IGNORECASE),
}


async def _user_errors(
    gql: GraphQLClient, document: str, input: dict[str, Any], token: str
) -> list[str]:
    [payload] = (await gql(document, {"input": input}, token=token)).ok().values()
    return [error["message"] for error in payload["userErrors"]]


async def _errors(gql: GraphQLClient, query: str, token: str | None) -> list[str]:
    return [error["message"] for error in (await gql(query, token=token)).errors]


async def _http_errors(
    http: httpx.AsyncClient, body: bytes, authorization: str | None
) -> list[str]:
    headers = {"Content-Type": "application/json"}
    if authorization is not None:
        headers["Authorization"] = authorization
    response = await http.post("/graphql", content=body, headers=headers)
    return [error["message"] for error in response.json()["errors"]]


async def _bad_requests(gql: GraphQLClient) -> dict[str, list[str]]:
    """The messages the server answers a broad set of bad requests with, by request."""
    partner, other = await factories.partner(), await factories.partner()
    reseller = await factories.partner(PartnerKind.INDIRECT_RESELLER)
    ga, ha = gql.token(partner.tenant_id, GA), gql.token(partner.tenant_id, HA)
    resold, known = await factories.customer("Contoso"), await factories.customer("Fourth Coffee")
    stranger = await factories.customer("Litware")
    no_contact = await factories.customer("Tailspin", billing=False)
    await factories.relate(partner, resold)
    await factories.relate(reseller, resold)
    for customer in (known, no_contact):
        await factories.relate(partner, customer, RelationshipType.NONE)

    async def invitation(**input: object) -> dict[str, Any]:
        result = await gql(REQUEST, {"input": input}, token=ga)
        return result.ok()["requestResellerRelationship"]["invitation"]  # type: ignore[no-any-return]

    new, existing = (
        await invitation(recipientEmail="a@new.example"),
        await invitation(customerId=customer_id(known)),
    )
    unaddressed = await invitation(customerId=customer_id(no_contact))
    new_id, url = new["id"], new["url"]
    customer_admin = gql.token(uuid.uuid4(), CA)
    order = {"customerId": customer_id(resold), "offerId": "CFQ7TTC0LH18:0001", "quantity": 1}
    bad_company = {
        "companyName": " ",
        "defaultDomain": "no spaces",
        "contactName": "Kim\u0000",
        "contactEmail": "not-an-email",
        "phone": "1" * 41,
        "culture": "en US",
        "language": "!!",
        "country": "J",
    }
    mutations: dict[str, tuple[str, dict[str, Any], str]] = {
        "a bad recipient": (REQUEST, {"recipientEmail": "not-an-email"}, ga),
        "no recipient for a new customer": (REQUEST, {}, ga),
        "a channel without its provider": (
            REQUEST,
            {"recipientEmail": "a@new.example", "channel": "INDIRECT_PROVIDER"},
            ga,
        ),
        "a malformed customer": (REQUEST, {"customerId": "garbage"}, ga),
        "a customer not in the list": (REQUEST, {"customerId": customer_id(stranger)}, ga),
        "a customer already resold to": (REQUEST, {"customerId": customer_id(resold)}, ga),
        "a provider named by a direct partner": (
            REQUEST,
            {"recipientEmail": "a@new.example", "indirectProviderId": partner_id(other)},
            ga,
        ),
        "a provider not linked": (
            REQUEST,
            {"recipientEmail": "a@new.example", "indirectProviderId": partner_id(other)},
            gql.token(reseller.tenant_id, GA),
        ),
        "an empty subject": (SEND, {"invitationId": new_id, "subject": " "}, ga),
        "the link in the subject": (SEND, {"invitationId": new_id, "subject": url}, ga),
        "a body without the link": (SEND, {"invitationId": new_id, "body": "Hello"}, ga),
        "a body too long": (SEND, {"invitationId": new_id, "body": url + "x" * 20_000}, ga),
        "a bad recipient when sending": (
            SEND,
            {"invitationId": new_id, "recipientEmail": "nope"},
            ga,
        ),
        "no recipient when sending": (SEND, {"invitationId": unaddressed["id"]}, ga),
        "a malformed invitation": (SEND, {"invitationId": "garbage"}, ga),
        "a malformed offer": (PLACE_ORDER, {**order, "offerId": "!!"}, ga),
        "an empty offer": (PLACE_ORDER, {**order, "offerId": " "}, ga),
        "no quantity": (PLACE_ORDER, {**order, "quantity": 0}, ga),
        "a malformed reseller": (PLACE_ORDER, {**order, "indirectResellerId": "garbage"}, ga),
        "an order for a reseller by a direct partner": (
            PLACE_ORDER,
            {**order, "indirectResellerId": partner_id(reseller)},
            ga,
        ),
        "an order without a relationship": (
            PLACE_ORDER,
            {**order, "customerId": customer_id(known)},
            ga,
        ),
        "an order by an indirect reseller": (PLACE_ORDER, order, gql.token(reseller.tenant_id, GA)),
        "a removal without the attestation": (
            REMOVE,
            {"customerId": customer_id(resold), "attestationAccepted": False},
            ga,
        ),
        "a removal without a relationship": (
            REMOVE,
            {"customerId": customer_id(known), "attestationAccepted": True},
            ga,
        ),
        "a reason with a control character": (
            REMOVE,
            {"customerId": customer_id(resold), "attestationAccepted": True, "reason": "\u0007"},
            ga,
        ),
        "every company field bad": (
            ACCEPT,
            {"token": token_of(url), "company": bad_company},
            customer_admin,
        ),
        "no company details": (ACCEPT, {"token": token_of(url)}, customer_admin),
        "an unknown invitation": (ACCEPT, {"token": "garbage"}, customer_admin),
        "another organisation's invitation": (
            ACCEPT,
            {"token": token_of(existing["url"])},
            customer_admin,
        ),
    }
    queries: dict[str, tuple[str, str | None]] = {
        "a page too large": ("{ customers(first: 500) { totalCount } }", ga),
        "a cursor of nothing": ('{ customers(after: "garbage") { totalCount } }', ga),
        "a search too long": ('{ customers(search: "%s") { totalCount } }' % ("x" * 201), ga),
        "a malformed customer to look up": ('{ customer(id: "garbage") { id } }', ga),
        "a malformed node": ('{ node(id: "garbage") { id } }', ga),
        "two operations, none named": (
            "query A { viewer { userId } } query B { viewer { userId } }",
            ga,
        ),
        "too many aliases": (
            "{ " + " ".join(f"a{i}: viewer {{ userId }}" for i in range(16)) + " }",
            ga,
        ),
        "a role that may not": (AUDIT, ha),
        "a customer's user asking for customers": ("{ customers { totalCount } }", customer_admin),
        "a subscription over HTTP": ("subscription { invitationUpdated { id } }", ga),
        "not signed in": ("{ customers { totalCount } }", None),
    }
    query = b'{"query": "{ viewer { userId } }"}'
    secret = gql.settings.jwt_secret
    assert secret

    def signed(**overrides: Any) -> str:
        return "Bearer " + hs256(claims(gql.settings, partner.tenant_id, GA, **overrides), secret)

    now = int(time.time())
    bodies: dict[str, tuple[bytes, str | None]] = {
        "an operation name that is a number": (
            b'{"query": "{ viewer { userId } }", "operationName": 5}',
            f"Bearer {ga}",
        ),
        "a batch": (b'[{"query": "{ viewer { userId } }"}]', f"Bearer {ga}"),
        "an unknown operation name": (
            b'{"query": "query A { viewer { userId } }", "operationName": "B"}',
            f"Bearer {ga}",
        ),
        "no query": (b'{"variables": {}}', f"Bearer {ga}"),
        "not UTF-8": ('{"query": "caf\xe9"}'.encode("latin-1"), f"Bearer {ga}"),
        "too deep": (with_variables(nested(100)), f"Bearer {ga}"),
        "no Authorization header": (query, None),
        "another scheme": (query, "Basic dXNlcjpwYXNzd29yZA=="),
        "a token of garbage": (query, "Bearer not.a.jwt"),
        "an unsigned token": (
            query,
            "Bearer " + jwt.encode(claims(gql.settings, partner.tenant_id), None, algorithm="none"),
        ),
        "another secret": (
            query,
            "Bearer " + hs256(claims(gql.settings, partner.tenant_id), "y" * 64),
        ),
        "an expired token": (query, signed(exp=now - 60)),
        "another audience": (query, signed(aud="another-api")),
        "no tenant": (query, signed(tid=None)),
        "a tenant that is no UUID": (query, signed(tid="contoso.onmicrosoft.com")),
        "a user with a NUL": (query, signed(sub="user\x00one")),
        "roles not a list": (query, signed(roles="GLOBAL_ADMIN")),
        "an expiry that is a string": (query, signed(exp=str(now + 600))),
        "a token living too long": (query, signed(exp=now + 2 * 24 * 3600)),
        "a token over 8 KiB": (query, signed(padding="x" * 9000)),
    }
    collected = {
        case: await _user_errors(gql, document, input, token)
        for case, (document, input, token) in mutations.items()
    }
    collected |= {case: await _errors(gql, q, token) for case, (q, token) in queries.items()}
    collected |= {
        case: await _http_errors(gql.http, body, authorization)
        for case, (body, authorization) in bodies.items()
    }
    return collected


async def test_messages_name_things_in_words(gql: GraphQLClient) -> None:
    """'recipientEmail is not a valid email address', 'INDIRECT_PROVIDER needs …', 'not
    an offer id': a message is for people; the API's names belong in `field` and
    `code`."""
    collected = await _bad_requests(gql)
    assert all(collected.values()), [case for case, messages in collected.items() if not messages]

    anyone = gql.token(uuid.uuid4(), GA)
    introspection = await gql("{ __schema { types { enumValues { name } } } }", token=anyone)
    enum_values = {
        value["name"]
        for type_ in introspection.ok()["__schema"]["types"]
        for value in type_["enumValues"] or []
    }
    jargon = [
        (case, what, message)
        for case, messages in collected.items()
        for message in messages
        for what, pattern in JARGON.items()
        if pattern.search(message)
    ] + [
        (case, "an enum value", message)
        for case, messages in collected.items()
        for message in messages
        if enum_values & set(re.findall(r"\b\w+\b", message))
    ]
    assert not jargon, "\n".join(map(str, jargon))


async def test_requests_keep_being_served_after_all_that(gql: GraphQLClient, token: str) -> None:
    results = await asyncio.gather(*(gql("{ viewer { userId } }", token=token) for _ in range(5)))
    assert all(result.ok() == {"viewer": {"userId": "user-1"}} for result in results)
