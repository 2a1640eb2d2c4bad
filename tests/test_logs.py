"""Logs for operators: one JSON object a line with the request id, and never an
invitation token (the whole run's log is checked for secrets in conftest)."""

import io
import json
import logging

import httpx
import pytest
from graphql import GraphQLInputObjectType, GraphQLNonNull, GraphQLObjectType
from pythonjsonlogger.json import JsonFormatter

from api import logs
from api.graphql.schema import schema
from api.logs import request_id_var
from api.permissions import Role
from api.settings import Settings
from tests.conftest import LOG
from tests.support import factories
from tests.support.documents import ACCEPT, PREVIEW, REQUEST, token_of
from tests.support.graphql import GraphQLClient
from tests.support.jobs import drain


def test_a_json_line_carries_the_request_id() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    options = logs.config("json")["formatters"]["default"]
    handler.setFormatter(JsonFormatter(options["fmt"], rename_fields=options["rename_fields"]))
    logger = logging.getLogger("api.test-logs")
    logger.addHandler(handler)
    token = request_id_var.set("0123abcd")
    try:
        logger.warning("link %s", "https://x.example/invitations/AbCdEfGhIjKlMnOpQrStUv")
    finally:
        request_id_var.reset(token)
        logger.removeHandler(handler)
    line = json.loads(stream.getvalue())
    assert line["request_id"] == "0123abcd"
    assert line["level"] == "WARNING"
    assert line["message"] == "link https://x.example/invitations/[token]"


@pytest.mark.parametrize(
    ("logged", "written"),
    [
        (
            "HTTP Request: POST https://hooks.example/in?key=s3cr3t&v=2 HTTP/1.1",
            "HTTP Request: POST https://hooks.example/in?key=[redacted]&v=[redacted] HTTP/1.1",
        ),
        ("GET /invitations/AbCdEfGhIjKlMnOp?lang=ja", "GET /invitations/[token]?lang=[redacted]"),
        ('SELECT "id" FROM "t" WHERE "a"=? AND "b" IN (?,?)', None),
    ],
    ids=["a url's query", "an invitation link's query", "SQL placeholders"],
)
def test_every_logger_drops_query_string_values(logged: str, written: str | None) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("httpx.test-logs")
    logger.addHandler(handler)
    try:
        logger.warning("%s", logged)
    finally:
        logger.removeHandler(handler)
    assert stream.getvalue() == f"{written or logged}\n"


async def test_the_access_log_shows_invitation_pages_without_their_token(
    http: httpx.AsyncClient,
) -> None:
    token = "Zz" * 20
    before = len(LOG.lines)
    await http.get(f"/invitations/{token}")
    written = LOG.lines[before:]
    assert any("GET /invitations/[token]" in line for line in written), written
    assert not any(token in line for line in written)


async def test_a_request_id_tags_the_lines_written_while_serving_it(
    http: httpx.AsyncClient,
) -> None:
    before = len(LOG.lines)
    response = await http.post(
        "/graphql", content=b"null", headers={"Content-Type": "application/json"}
    )
    request_id = response.headers["x-request-id"]
    assert any(f"[{request_id}]" in line for line in LOG.lines[before:])


# Every operation that takes an invitation token, with the token inline and as a variable.
TOKEN_DOCUMENTS = {
    "invitationPreview": [
        ('query Preview { invitationPreview(token: "TOKEN") { status } }', {}),
        (PREVIEW, {"token": "TOKEN"}),
    ],
    "acceptInvitation": [
        (
            'mutation Accept { acceptInvitation(input: {token: "TOKEN"}) { customerTenantId } }',
            {},
        ),
        (ACCEPT, {"input": {"token": "TOKEN"}}),
    ],
}


def _takes_a_token(root: GraphQLObjectType | None) -> set[str]:
    """The fields of `root` with a `token` argument, or an input with a `token` field."""
    found = set()
    for name, field in (root.fields if root else {}).items():
        for arg_name, arg in field.args.items():
            kind = arg.type.of_type if isinstance(arg.type, GraphQLNonNull) else arg.type
            inputs = kind.fields if isinstance(kind, GraphQLInputObjectType) else {}
            if arg_name == "token" or "token" in inputs:
                found.add(name)
    return found


def test_every_operation_taking_a_token_is_checked() -> None:
    graphql = schema._schema
    taking = _takes_a_token(graphql.query_type) | _takes_a_token(graphql.mutation_type)
    assert taking == set(TOKEN_DOCUMENTS)


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_no_log_line_of_the_api_or_the_worker_holds_an_invitation_token(
    gql: GraphQLClient, settings: Settings, method: str
) -> None:
    partner = await factories.partner()
    requested = await gql(
        REQUEST,
        {"input": {"recipientEmail": "kim@new.example"}},
        token=gql.token(partner.tenant_id, Role.GLOBAL_ADMIN),
    )
    token = token_of(requested.ok()["requestResellerRelationship"]["invitation"]["url"])
    customer_admin = gql.token((await factories.customer()).tenant_id, Role.CUSTOMER_ADMIN)
    before = len(LOG.lines)
    for documents in TOKEN_DOCUMENTS.values():
        for document, variables in documents:
            query = document.replace("TOKEN", token)
            values = json.dumps(variables).replace("TOKEN", token)
            response = await gql.http.request(
                method,
                "/graphql",
                params={"query": query, "variables": values} if method == "GET" else None,
                json={"query": query, "variables": json.loads(values)}
                if method == "POST"
                else None,
                headers={"Authorization": f"Bearer {customer_admin}"},
            )
            assert response.status_code in (200, 405), response.text
    await drain(settings)  # what the acceptance set off: emails, events, webhooks
    written = LOG.lines[before:]
    assert any("/graphql" in line for line in written), written
    assert not [line for line in written if token in line]
