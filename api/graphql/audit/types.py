from datetime import datetime
from typing import Any, ClassVar

import strawberry
from strawberry import relay
from strawberry.scalars import JSON
from tortoise.queryset import QuerySet

from api.audit import models
from api.audit.log import events_of
from api.graphql.node import ScopedNode
from api.partners.models import Partner
from api.permissions import Capability

AuditAction = models.AuditAction
strawberry.enum(models.AuditAction)


@strawberry.type(name="AuditEvent")
class AuditEventNode(ScopedNode):
    row_type = models.AuditEvent
    node_capability: ClassVar[Capability] = Capability.VIEW_AUDIT_LOG
    id: relay.NodeID[str]
    action: AuditAction
    actor_user_id: str
    actor_tenant_id: str
    customer_tenant_id: str | None
    occurred_at: datetime
    details: JSON

    @classmethod
    def visible(cls, partner: Partner) -> QuerySet[Any]:
        return events_of(partner)
