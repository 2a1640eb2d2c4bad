"""Documents are parsed, checked and validated once per distinct text and the verdict
remembered: what is remembered must answer exactly as a fresh check would, for each
server's own rules, and a document too long to remember is checked all the same."""

from typing import Any, cast

from api.graphql.context import Context, Services
from api.graphql.documents import CACHEABLE_LENGTH
from api.graphql.schema import schema
from api.settings import Settings

INTROSPECTION = "{ __schema { queryType { name } } }"
MISSPELT = "{ customrs { totalCount } }"


async def answer(settings: Settings, query: str, *, introspection: bool) -> dict[str, Any]:
    """The schema's answer to an anonymous caller on a server configured so: a server
    with introspection off adds a validation rule and drops suggestions."""
    configured = settings.model_copy(update={"graphql_introspection": introspection})
    services = Services(settings=configured, redis=cast(Any, None), events=cast(Any, None))
    result = await schema.execute(query, context_value=Context(services=services))
    return {
        "data": result.data,
        "errors": [
            (error.message, (error.extensions or {}).get("code")) for error in result.errors or []
        ],
    }


async def test_a_remembered_verdict_follows_each_servers_rules(settings: Settings) -> None:
    for _ in range(2):  # the second time round, every verdict comes from memory
        shown = await answer(settings, INTROSPECTION, introspection=True)
        assert shown == {"data": {"__schema": {"queryType": {"name": "Query"}}}, "errors": []}
        hidden = await answer(settings, INTROSPECTION, introspection=False)
        assert hidden["data"] is None
        assert hidden["errors"], hidden
        for message, code in hidden["errors"]:
            assert code == "INVALID"
            assert "introspection has been disabled" in message


async def test_suggestions_dropped_for_one_server_stay_for_another(settings: Settings) -> None:
    for _ in range(2):
        [(hidden, _)] = (await answer(settings, MISSPELT, introspection=False))["errors"]
        [(shown, _)] = (await answer(settings, MISSPELT, introspection=True))["errors"]
        assert hidden == "Cannot query field 'customrs' on type 'Query'."
        assert shown.startswith(hidden)
        assert "Did you mean 'customers'" in shown


async def test_a_document_too_long_to_remember_is_checked_all_the_same(
    settings: Settings,
) -> None:
    padding = " " * CACHEABLE_LENGTH  # white space: no more tokens, only length
    for query in (
        MISSPELT + padding,
        "query A { viewer { userId } } query B { __typename }" + padding,
    ):
        remembered = await answer(settings, query.strip(), introspection=True)
        fresh = await answer(settings, query, introspection=True)
        assert fresh["errors"], fresh
        assert [code for _, code in fresh["errors"]] == ["INVALID"]
        assert [m for m, _ in fresh["errors"]] == [m for m, _ in remembered["errors"]]
