"""Global ids of mutation inputs → the primary keys operations take."""

import uuid
from uuid import UUID

from strawberry import relay

from api.errors import invalid


def decode(value: str, type_name: str, field: list[str]) -> UUID:
    """The primary key inside a global id of `type_name`.

    A well-formed id of another type (or with a key that is no UUID) names nothing of
    this type, and must behave exactly like an unknown id: it becomes a fresh random
    UUID, which no row has, so the operation answers as it does for any unknown id.
    """
    try:
        global_id = relay.GlobalID.from_id(value)
    except ValueError as error:
        raise invalid(field, f"This is not a valid {_thing(field)}.") from error
    if global_id.type_name != type_name:
        return uuid.uuid4()
    try:
        return UUID(global_id.node_id)
    except ValueError:
        return uuid.uuid4()


def _thing(field: list[str]) -> str:
    """What the id field names, in words: ["indirect_provider_id"] → "indirect provider"."""
    return field[-1].removesuffix("_id").replace("_", " ")


def decode_optional(value: str | None, type_name: str, field: list[str]) -> UUID | None:
    return None if value is None else decode(value, type_name, field)
