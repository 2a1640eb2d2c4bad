"""Node types and lookups by global id: `Query.node`, and `customer(id:)`-style root
fields.

A node type is a `ScopedNode`: it declares the capability needed to see it and the
rows the viewer's partner may see, so another partner's id comes back exactly like
an unknown one: null. Resolvers return the database row itself: strawberry reads the
declared fields from its columns, so a column appears in the schema by being
declared once, on the type.
"""

import functools
import re
from collections.abc import Iterable
from typing import Any, ClassVar, Self, TypeVar, cast
from uuid import UUID

import strawberry
from strawberry import relay
from strawberry.types.base import get_object_definition
from tortoise.models import Model
from tortoise.queryset import QuerySet

from api.errors import invalid
from api.graphql.context import Info
from api.graphql.errors import ErrorCode, api_error, as_graphql_error
from api.partners.models import Partner
from api.permissions import Capability, allows, forbidden_message, may_read_any

NodeT = TypeVar("NodeT", bound=relay.Node)


class ScopedNode(relay.Node):
    # What a node of this type is: the model whose rows it is (or, for a customer, a
    # view made from a row; see `of`).
    row_type: ClassVar[type[Any]]
    node_capability: ClassVar[Capability]
    # The column a node's id is: a Customer's id is its customer id, although the row
    # behind it is the partner's relationship record.
    node_key: ClassVar[str] = "id"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for declared in ("row_type", "node_capability"):
            if declared not in vars(cls):
                raise TypeError(f"{cls.__name__} must declare {declared}")

    @classmethod
    def visible(cls, partner: Partner) -> QuerySet[Any]:
        """The rows of this type the partner may see."""
        raise NotImplementedError

    @classmethod
    def of(cls, row: Model) -> Self:
        """`row`, typed as this node (`is_type_of` tells strawberry it is one)."""
        return cast(Self, row)

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, cls.row_type)

    @classmethod
    def resolve_id(cls, root: Any, *, info: Info) -> str:
        return str(getattr(root, cls.node_key))

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        ids = [UUID(node_id) for node_id in node_ids]
        rows: list[Model] = await cls.visible(info.context.viewer_partner).filter(
            **{f"{cls.node_key}__in": ids}
        )
        found = {getattr(row, cls.node_key): row for row in rows}
        return [cls.of(found[key]) if key in found else None for key in ids]


@functools.cache
def _node_capabilities() -> frozenset[Capability]:
    return frozenset(node_type.node_capability for node_type in ScopedNode.__subclasses__())


def _global_id(id: str, thing: str | None = None) -> relay.GlobalID:
    """`thing`: what the id should name, in words ("customer"); None for any node."""
    try:
        return relay.GlobalID.from_id(id)
    except ValueError as error:
        message = (
            f"This is not a valid {thing}."
            if thing
            else "This does not identify anything in Partner Connect."
        )
        raise as_graphql_error(invalid(["id"], message)) from error


def _type_name(node_type: type[relay.Node]) -> str:
    definition = get_object_definition(node_type, strict=True)
    return definition.name


def _in_words(type_name: str) -> str:
    """A type's name as words: "RelationshipRemoval" → "relationship removal"."""
    return re.sub(r"(?<!^)(?=[A-Z])", " ", type_name).lower()


async def _load(info: Info, node_type: type[NodeT], node_id: str) -> NodeT | None:
    if not issubclass(node_type, ScopedNode):
        raise TypeError(f"{node_type.__name__} is not a ScopedNode")
    capability = node_type.node_capability
    if not allows(info.context.actor, capability):
        raise api_error(forbidden_message(capability, info.context.actor), ErrorCode.FORBIDDEN)
    try:
        UUID(node_id)
    except ValueError:  # a primary key of the wrong shape: no such node
        return None
    nodes = await node_type.resolve_nodes(info=info, node_ids=[node_id])
    return cast(NodeT | None, nodes[0])


async def resolve_node(info: Info, node_type: type[NodeT], id: str) -> NodeT | None:
    type_name = _type_name(node_type)
    global_id = _global_id(id, _in_words(type_name))
    if global_id.type_name != type_name:
        return None
    return await _load(info, node_type, global_id.node_id)


@strawberry.type
class NodeQueries:
    @strawberry.field
    async def node(self, info: Info, id: strawberry.ID) -> relay.Node | None:
        # Who may ask comes before what was asked: a caller who may read no node at all
        # learns nothing of what ids look like.
        if not may_read_any(info.context.actor, _node_capabilities()):
            capability = Capability.VIEW_CUSTOMERS
            raise api_error(forbidden_message(capability, info.context.actor), ErrorCode.FORBIDDEN)
        global_id = _global_id(id)
        try:
            node_type = global_id.resolve_type(info)
        except ValueError:
            return None
        if not issubclass(node_type, ScopedNode):  # e.g. "Node", the interface itself
            return None
        return await _load(info, node_type, global_id.node_id)
