from collections.abc import Iterable
from datetime import datetime
from typing import ClassVar, Self, cast
from uuid import UUID

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from api.audit import models, service
from api.context import Info
from api.permissions import Capability

AuditAction = models.AuditAction
strawberry.enum(models.AuditAction)


@strawberry.type(name="AuditEvent")
class AuditEventNode(relay.Node):
    node_capability: ClassVar[Capability] = Capability.VIEW_AUDIT_LOG
    id: relay.NodeID[str]
    action: AuditAction
    actor_user_id: str
    actor_tenant_id: str
    customer_tenant_id: str | None
    occurred_at: datetime
    details: JSON

    @classmethod
    def from_row(cls, row: models.AuditEvent) -> Self:
        return cls(
            id=str(row.id),
            action=row.action,
            actor_user_id=row.actor_user_id,
            actor_tenant_id=row.actor_tenant_id,
            customer_tenant_id=row.customer_tenant_id,
            occurred_at=row.occurred_at,
            details=cast(JSON, row.details),
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        ids = [UUID(node_id) for node_id in node_ids]
        rows = await service.events_of(info.context.viewer_partner).filter(id__in=ids)
        found = {row.id: row for row in rows}
        return [cls.from_row(found[key]) if key in found else None for key in ids]
