from collections.abc import Sequence
from uuid import UUID

from api.partners.models import Partner


async def partners_by_id(ids: Sequence[UUID]) -> list[Partner | None]:
    found = {row.id: row for row in await Partner.filter(id__in=set(ids))}
    return [found.get(key) for key in ids]
