"""Lookups by global id: `Query.node`, and `customer(id:)`-style root fields.

Each node type declares the capability needed to see it (`node_capability`); the
lookup itself is the type's `resolve_nodes`, which scopes to the viewer's tenant, so
another partner's id comes back exactly like an unknown one: null.
"""

from typing import Any, TypeVar, cast
from uuid import UUID

import strawberry
from strawberry import relay
from strawberry.types.base import get_object_definition

from api.context import Info
from api.errors import ErrorCode, api_error, as_graphql_error
from api.permissions import Capability, allows, forbidden_message
from api.validation import invalid

NodeT = TypeVar("NodeT", bound=relay.Node)


def _global_id(id: str) -> relay.GlobalID:
    try:
        return relay.GlobalID.from_id(id)
    except ValueError as error:
        raise as_graphql_error(invalid(["id"], "id is not an id of this API.")) from error


def _type_name(node_type: type[relay.Node]) -> str:
    definition = get_object_definition(node_type, strict=True)
    return definition.name


async def _load(info: Info, node_type: type[NodeT], node_id: str) -> NodeT | None:
    capability = getattr(node_type, "node_capability", None)
    if not isinstance(capability, Capability):
        raise TypeError(f"{node_type.__name__} does not declare its node_capability")
    if not allows(info.context, capability):
        raise api_error(forbidden_message(capability), ErrorCode.FORBIDDEN)
    try:
        UUID(node_id)
    except ValueError:  # a primary key of the wrong shape: no such node
        return None
    nodes = await cast(Any, node_type).resolve_nodes(info=info, node_ids=[node_id])
    return cast(NodeT | None, nodes[0])


async def resolve_node(info: Info, node_type: type[NodeT], id: str) -> NodeT | None:
    global_id = _global_id(id)
    if global_id.type_name != _type_name(node_type):
        return None
    return await _load(info, node_type, global_id.node_id)


@strawberry.type
class NodeQueries:
    @strawberry.field
    async def node(self, info: Info, id: strawberry.ID) -> relay.Node | None:
        global_id = _global_id(id)
        try:
            node_type = global_id.resolve_type(info)
        except ValueError:
            return None
        return await _load(info, node_type, global_id.node_id)
