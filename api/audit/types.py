from datetime import datetime
from typing import Any, ClassVar, Self, cast

import strawberry
from strawberry import relay
from strawberry.scalars import JSON
from tortoise.queryset import QuerySet

from api.audit import models, service
from api.node import ScopedNode
from api.partners.models import Partner
from api.permissions import Capability

AuditAction = models.AuditAction
strawberry.enum(models.AuditAction)


@strawberry.type(name="AuditEvent")
class AuditEventNode(ScopedNode):
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
    def visible(cls, partner: Partner) -> QuerySet[Any]:
        return service.events_of(partner)
