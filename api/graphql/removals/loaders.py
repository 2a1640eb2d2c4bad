"""Batch loads of removals for the fields of other types: one query a page."""

from collections.abc import Sequence
from uuid import UUID

from api.removals.models import RelationshipRemoval, RemovalStatus


async def failed_removals(relationship_ids: Sequence[UUID]) -> list[RelationshipRemoval | None]:
    """By relationship record: the failed removal that put it back in the list."""
    rows = await RelationshipRemoval.filter(
        restored_relationship_id__in=set(relationship_ids), status=RemovalStatus.FAILED
    )
    found = {row.restored_relationship_id: row for row in rows}
    return [found.get(key) for key in relationship_ids]
