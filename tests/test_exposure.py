"""Production switches: introspection, suggestions and the GraphiQL page are on by
default (development) and off with GRAPHQL_INTROSPECTION=false, GRAPHQL_IDE=false."""

from collections.abc import AsyncIterator

import httpx
import pytest

from api.settings import Settings
from tests.support import factories
from tests.support.graphql import GraphQLClient
from tests.support.processes import ApiProcess
from tests.support.servers import ApiServer

INTROSPECTION = "{ __schema { queryType { name } } }"
TYPE = '{ __type(name: "Customer") { fields { name } } }'
MISSPELT = "{ customrs { totalCount } }"


@pytest.fixture(scope="module")
async def production(api: ApiServer, migrated: Settings) -> AsyncIterator[GraphQLClient]:
    """An API switched to production exposure (the session's `api` sets up the ORM
    this test process writes its partners with)."""
    settings = migrated.model_copy(update={"graphql_introspection": False, "graphql_ide": False})
    async with (
        ApiProcess.running(settings) as server,
        httpx.AsyncClient(base_url=server.url, timeout=30) as http,
    ):
        yield GraphQLClient(http, settings)


async def a_token(gql: GraphQLClient) -> str:
    partner = await factories.partner()
    return gql.token(partner.tenant_id, "GLOBAL_ADMIN")


@pytest.mark.parametrize("query", [INTROSPECTION, TYPE], ids=["__schema", "__type"])
async def test_introspection_is_refused_when_switched_off(
    production: GraphQLClient, query: str
) -> None:
    result = await production(query, token=await a_token(production))
    assert result.data is None
    assert set(result.codes) == {"INVALID"}, result.errors
    assert "introspection" in result.errors[0]["message"].lower()


async def test_errors_suggest_no_field_names_when_switched_off(
    production: GraphQLClient, gql: GraphQLClient
) -> None:
    hidden = await production(MISSPELT, token=await a_token(production))
    shown = await gql(MISSPELT, token=await a_token(gql))
    assert "Did you mean" in shown.errors[0]["message"]
    assert hidden.errors[0]["message"] == "Cannot query field 'customrs' on type 'Query'."
    assert hidden.codes == ["INVALID"]


async def test_typename_and_queries_still_work_when_switched_off(
    production: GraphQLClient,
) -> None:
    result = await production("{ __typename viewer { userId } }", token=await a_token(production))
    assert result.ok() == {"__typename": "Query", "viewer": {"userId": "user-1"}}


async def test_graphiql_is_not_served_when_switched_off(production: GraphQLClient) -> None:
    response = await production.http.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert "graphiql" not in response.text.lower()


async def test_introspection_is_on_by_default(gql: GraphQLClient) -> None:
    result = await gql(INTROSPECTION, token=await a_token(gql))
    assert result.ok() == {"__schema": {"queryType": {"name": "Query"}}}
