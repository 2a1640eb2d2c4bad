"""One rule per kind of data: a type that needs a capability to be read is reachable
only through fields whose guards already demand it.

The walk follows every path from every root field. Along a path, the principals who
may still be reading are those every guard on it lets through; where the path
reaches a guarded type, they must all hold the type's capability. A SALES_AGENT once
read GDAP relationships through `relationshipRemovals { gdapRelationshipsRetained }`
although `Customer.gdapRelationships` refused them.
"""

from graphql import (
    GraphQLField,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    get_named_type,
)
from strawberry.types.base import StrawberryObjectDefinition

from api.graphql.permissions import field_capability, type_capability
from api.graphql.schema import schema
from api.permissions import CUSTOMER_PERMISSIONS, PARTNER_PERMISSIONS, Capability, Role

Principal = tuple[str, Role]  # (whose tenant: "partner" or "customer", role)
EVERYONE: frozenset[Principal] = frozenset(
    (side, role) for side in ("partner", "customer") for role in Role
)

# Paths that reach guarded data on purpose, and why.
EXCEPTIONS = {
    "Viewer.partner": "the caller's own organisation: each principal may read its own",
}


def holders(capability: Capability) -> frozenset[Principal]:
    return frozenset(
        {("partner", role) for role in PARTNER_PERMISSIONS.get(capability, ())}
        | {("customer", role) for role in CUSTOMER_PERMISSIONS.get(capability, ())}
    )


def strawberry_type(graphql_type: GraphQLObjectType) -> type | None:
    definition = schema.get_type_by_name(graphql_type.name)
    return definition.origin if isinstance(definition, StrawberryObjectDefinition) else None


def required(graphql_type: GraphQLObjectType) -> Capability | None:
    origin = strawberry_type(graphql_type)
    return type_capability(origin) if origin else None


def guard_of(field: GraphQLField) -> Capability | None:
    definition = field.extensions.get("strawberry-definition")
    return field_capability(definition.extensions) if definition else None


def leaks(graphql_schema: GraphQLSchema) -> list[str]:
    found: list[str] = []
    seen: set[tuple[str, frozenset[Principal]]] = set()

    def visit(graphql_type: GraphQLObjectType, readers: frozenset[Principal], path: str) -> None:
        if (graphql_type.name, readers) in seen:
            return
        seen.add((graphql_type.name, readers))
        capability = required(graphql_type)
        if capability is not None and not readers <= holders(capability):
            who = sorted(f"{side} {role.value}" for side, role in readers - holders(capability))
            found.append(f"{path} reaches {graphql_type.name} for {who}")
        for name, field in graphql_type.fields.items():
            where = f"{graphql_type.name}.{name}"
            if where in EXCEPTIONS:
                continue
            guard = guard_of(field)
            allowed = readers & holders(guard) if guard is not None else readers
            target = get_named_type(field.type)
            for object_type in _objects(graphql_schema, target):
                visit(object_type, allowed, f"{path} → {where}")

    roots = (
        graphql_schema.query_type,
        graphql_schema.mutation_type,
        graphql_schema.subscription_type,
    )
    for root in roots:
        if root is not None:
            visit(root, EVERYONE, root.name)
    return found


def _objects(graphql_schema: GraphQLSchema, named: object) -> list[GraphQLObjectType]:
    # Interfaces lead nowhere: `node(id:)`, the only field returning one, checks the
    # node type's own capability before it loads a node.
    return [named] if isinstance(named, GraphQLObjectType) else []


def test_no_guarded_type_is_reachable_around_its_guard() -> None:
    assert leaks(schema._schema) == []


def test_the_walk_finds_a_field_that_skips_its_guard() -> None:
    """The check itself can fail: an unguarded field returning GDAP relationships."""
    import strawberry

    from api.graphql.customers.types import GdapRelationshipNode

    @strawberry.type
    class Query:
        @strawberry.field
        def leaky(self) -> list[GdapRelationshipNode]:
            return []

    [found] = leaks(strawberry.Schema(query=Query)._schema)
    assert found.startswith("Query → Query.leaky reaches GdapRelationship")


def test_every_guarded_type_declares_its_capability() -> None:
    for name in (
        "GdapRelationship",
        "BillingProfile",
        "Address",
        "DelegatedAdminGrant",
        "EmailDraft",
    ):
        graphql_type = schema._schema.get_type(name)
        assert isinstance(graphql_type, GraphQLObjectType)
        assert required(graphql_type) is not None, name


ROOTS = ("Query", "Mutation", "Subscription")


def non_null_guarded_fields(graphql_schema: GraphQLSchema) -> list[str]:
    """Guarded fields inside objects that cannot be null: a refusal there would null
    the parent, and up to the root when the parents are non-null too. Root fields are
    the contract's (a refused root field is the whole answer's error anyway)."""
    found = []
    for graphql_type in graphql_schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType) or graphql_type.name in ROOTS:
            continue
        for name, field in graphql_type.fields.items():
            if guard_of(field) is not None and isinstance(field.type, GraphQLNonNull):
                found.append(f"{graphql_type.name}.{name}")
    return found


def test_every_guarded_field_inside_an_object_is_nullable() -> None:
    assert non_null_guarded_fields(schema._schema) == []


def test_the_nullability_check_finds_a_non_null_guarded_field() -> None:
    import strawberry

    from api.graphql.permissions import guard

    @strawberry.type
    class Thing:
        @strawberry.field(**guard(Capability.VIEW_AUDIT_LOG))
        def secret(self) -> str:
            return ""

    @strawberry.type
    class Query:
        @strawberry.field
        def thing(self) -> Thing:
            return Thing()

    assert non_null_guarded_fields(strawberry.Schema(query=Query)._schema) == ["Thing.secret"]
