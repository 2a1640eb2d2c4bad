"""What browsers are told: security headers on every HTML page, and which other
origins may call the API (ALLOWED_ORIGINS, for HTTP and websockets alike)."""

import json
from collections.abc import AsyncIterator

import httpx
import pytest
from graphql import GraphQLField

from api.graphql.schema import schema
from api.invitations.models import Invitation
from api.partners.models import Partner
from api.permissions import Role
from api.settings import Settings
from tests.support import factories
from tests.support.documents import REQUEST
from tests.support.graphql import GraphQLClient
from tests.support.processes import ApiProcess

DASHBOARD = "https://dashboard.example.test"


@pytest.mark.parametrize(
    ("path", "status"),
    [("/", 200), ("/graphql", 200), ("/invitations/not-a-real-token-0123456789", 404)],
    ids=["dashboard", "GraphiQL", "invitation page"],
)
async def test_html_pages_carry_security_headers(
    http: httpx.AsyncClient, path: str, status: int
) -> None:
    response = await http.get(path, headers={"Accept": "text/html"})
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


@pytest.fixture(scope="module")
async def with_origins(migrated: Settings) -> AsyncIterator[httpx.AsyncClient]:
    settings = migrated.model_copy(update={"allowed_origins": [DASHBOARD]})
    async with (
        ApiProcess.running(settings) as server,
        httpx.AsyncClient(base_url=server.url, timeout=30) as client,
    ):
        yield client


async def preflight(client: httpx.AsyncClient, origin: str) -> httpx.Response:
    return await client.options(
        "/graphql",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )


async def test_an_allowed_origin_may_call_the_api(with_origins: httpx.AsyncClient) -> None:
    response = await preflight(with_origins, DASHBOARD)
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == DASHBOARD
    assert "authorization" in response.headers["access-control-allow-headers"].lower()
    assert "access-control-allow-credentials" not in response.headers


async def test_another_origin_gets_no_allowance(with_origins: httpx.AsyncClient) -> None:
    response = await preflight(with_origins, "https://attacker.example.test")
    assert "access-control-allow-origin" not in response.headers
    answer = await with_origins.post(
        "/graphql",
        json={"query": "{ __typename }"},
        headers={"Origin": "https://attacker.example.test"},
    )
    assert "access-control-allow-origin" not in answer.headers


# ------------------------------------------------------------------ GET is for queries


def _probe(field: GraphQLField, name: str) -> str:
    """A mutation document calling `name` with every argument as a variable."""
    declared = ", ".join(f"${arg}: {value.type}" for arg, value in field.args.items())
    passed = ", ".join(f"{arg}: ${arg}" for arg in field.args)
    if not field.args:
        return f"mutation Probe {{ {name} {{ __typename }} }}"
    return f"mutation Probe({declared}) {{ {name}({passed}) {{ __typename }} }}"


MUTATIONS = sorted(schema._schema.mutation_type.fields.items())  # type: ignore[union-attr]


async def get_as_admin(gql: GraphQLClient, partner: Partner, **params: str) -> httpx.Response:
    """`GET /graphql?…` as a global admin of `partner`."""
    token = gql.token(partner.tenant_id, Role.GLOBAL_ADMIN)
    return await gql.http.get(
        "/graphql", params=params, headers={"Authorization": f"Bearer {token}"}
    )


@pytest.mark.parametrize(("name", "field"), MUTATIONS, ids=[name for name, _ in MUTATIONS])
async def test_no_mutation_runs_over_get(
    gql: GraphQLClient, name: str, field: GraphQLField
) -> None:
    """GraphQL over HTTP: GET is for queries (a link, a prefetch, a crawler may send it)."""
    response = await get_as_admin(
        gql, await factories.partner(), query=_probe(field, name), operationName="Probe"
    )
    assert response.status_code == 405, response.text
    assert response.headers["allow"] == "POST"
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "INVALID"
    assert "POST" in error["message"]


async def test_a_relationship_requested_over_get_creates_no_invitation(
    gql: GraphQLClient,
) -> None:
    partner = await factories.partner()
    query = REQUEST.replace("mutation(", "mutation RequestRelationship(", 1)
    variables = {"input": {"recipientEmail": "kim@new.example"}}
    response = await get_as_admin(
        gql,
        partner,
        query=query,
        variables=json.dumps(variables),
        operationName="RequestRelationship",
    )
    assert response.status_code == 405, response.text
    assert not await Invitation.filter(partner_id=partner.id).exists()
    # The same request over POST does it: the refusal is the method's, not the document's.
    created = await gql(query, variables, token=gql.token(partner.tenant_id, Role.GLOBAL_ADMIN))
    assert created.ok()["requestResellerRelationship"]["userErrors"] == []
    assert await Invitation.filter(partner_id=partner.id).count() == 1


@pytest.mark.parametrize(
    ("query", "status"),
    [("subscription { invitationUpdated { id } }", 400), ("{ viewer { userId } }", 200)],
    ids=["a subscription is refused", "a query runs"],
)
async def test_other_operations_over_get(gql: GraphQLClient, query: str, status: int) -> None:
    response = await get_as_admin(gql, await factories.partner(), query=query)
    assert response.status_code == status, response.text
    if status == 400:
        assert response.json()["errors"][0]["extensions"]["code"] == "INVALID"
    else:
        assert response.json()["data"]["viewer"]["userId"] == "user-1"
