from datetime import datetime
from typing import Any, ClassVar, Self

import strawberry
from strawberry import relay
from tortoise.queryset import QuerySet

from api.context import Info
from api.customers.types import GdapRelationshipNode, load_gdap_relationships
from api.node import ScopedNode
from api.partners.models import Partner
from api.permissions import Capability
from api.removals import models, service

RemovalStatus = models.RemovalStatus
strawberry.enum(models.RemovalStatus)


@strawberry.type(name="RelationshipRemoval")
class RelationshipRemovalNode(ScopedNode):
    node_capability: ClassVar[Capability] = Capability.MANAGE_REMOVALS
    id: relay.NodeID[str]
    customer_tenant_id: str
    customer_name: str
    status: RemovalStatus
    reason: str | None
    requested_by: str
    requested_at: datetime
    completed_at: datetime | None
    delegated_admin_revoked: bool = strawberry.field(
        description="True once the worker has revoked the partner's delegated admin privileges."
    )
    legal_notice: str = strawberry.field(
        description="Reminder that no notice was sent to the customer and that a contract "
        "may require one."
    )
    _row: strawberry.Private[models.RelationshipRemoval]

    @classmethod
    def from_row(cls, row: models.RelationshipRemoval) -> Self:
        return cls(
            id=str(row.id),
            customer_tenant_id=str(row.customer_tenant_id),
            customer_name=row.customer_name,
            status=row.status,
            reason=row.reason,
            requested_by=row.requested_by,
            requested_at=row.requested_at,
            completed_at=row.completed_at,
            delegated_admin_revoked=row.delegated_admin_revoked,
            legal_notice=service.LEGAL_NOTICE,
            _row=row,
        )

    @classmethod
    def visible(cls, partner: Partner) -> QuerySet[Any]:
        return service.removals_of(partner)

    @strawberry.field(
        description="GDAP relationships with this customer; removal leaves them in place."
    )
    async def gdap_relationships_retained(self, info: Info) -> list[GdapRelationshipNode]:
        return await load_gdap_relationships(info, self._row.partner_id, self._row.customer_id)
