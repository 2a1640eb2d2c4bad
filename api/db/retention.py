"""Deleting rows kept for a while (finished jobs, deliveries, notifications) once they
are old enough: a batch at a time, so that no statement locks a long run of rows or
writes an unbounded transaction."""

from datetime import datetime
from typing import Any

from api.db.base import UUIDModel

BATCH_SIZE = 1000


async def delete_before(model: type[UUIDModel], field: str, before: datetime, **where: Any) -> int:
    """Deletes the rows whose `field` is earlier than `before` (and that match
    `where`); returns how many."""
    deleted = 0
    while True:
        ids = (
            await model.filter(**{f"{field}__lt": before}, **where)
            .limit(BATCH_SIZE)
            .values_list("id", flat=True)
        )
        if not ids:
            return deleted
        deleted += await model.filter(id__in=list(ids)).delete()
