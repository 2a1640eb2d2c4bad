"""The table of who may do what in docs/behaviour.md, generated from the permission
table (`api.permissions`) and the schema's guards, as the fields' descriptions are.

Rewrite it in place after changing either: `python -m api.devtools.permission_table`.
"""

from collections import defaultdict
from pathlib import Path

from graphql import GraphQLObjectType

from api.graphql.permissions import field_capability
from api.graphql.schema import schema
from api.permissions import CUSTOMER_PERMISSIONS, PARTNER_PERMISSIONS, Capability, Role

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "behaviour.md"
START = "<!-- The table below is generated: python -m api.devtools.permission_table -->"
END = "<!-- End of the generated table. -->"
_ROOTS = ("Query", "Mutation", "Subscription")


def guarded_fields() -> dict[Capability, list[str]]:
    """Each capability's guarded fields: a root field by its name, any other as
    `Type.field`, in the schema's order."""
    fields: dict[Capability, list[str]] = defaultdict(list)
    for type_name, graphql_type in schema._schema.type_map.items():
        if not isinstance(graphql_type, GraphQLObjectType) or type_name.startswith("__"):
            continue
        for name, field in graphql_type.fields.items():
            definition = field.extensions.get("strawberry-definition")
            capability = field_capability(definition.extensions) if definition else None
            if capability is not None:
                fields[capability].append(name if type_name in _ROOTS else f"{type_name}.{name}")
    return fields


def table() -> str:
    fields = guarded_fields()
    lines = [
        "| To … | Fields | " + " | ".join(f"`{role.value}`" for role in Role) + " |",
        "|---|---|" + "---|" * len(Role),
    ]
    for capability in Capability:
        holders = PARTNER_PERMISSIONS.get(capability) or CUSTOMER_PERMISSIONS[capability]
        named = ", ".join(f"`{name}`" for name in fields[capability])
        marks = " | ".join("yes" if role in holders else "—" for role in Role)
        lines.append(f"| {capability.value} | {named} | {marks} |")
    return "\n".join(lines) + "\n"


def with_table(text: str) -> str:
    """`text` with what stands between the markers replaced by the generated table."""
    before, start, rest = text.partition(START + "\n")
    _, end, after = rest.partition(END)
    if not start or not end:
        raise ValueError(f"{DOCUMENT.name} lacks the lines {START!r} and {END!r}")
    return before + start + table() + end + after


if __name__ == "__main__":
    DOCUMENT.write_text(with_table(DOCUMENT.read_text()))
