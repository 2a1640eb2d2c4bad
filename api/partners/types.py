from typing import Any, ClassVar, Self
from uuid import UUID

import strawberry
from strawberry import relay
from tortoise.queryset import QuerySet

from api.context import Info
from api.node import ScopedNode
from api.partners import models, service
from api.partners.loaders import partners_by_id
from api.partners.models import Partner
from api.permissions import Capability

PartnerKind = models.PartnerKind
strawberry.enum(models.PartnerKind)


@strawberry.type(name="Partner")
class PartnerNode(ScopedNode):
    node_capability: ClassVar[Capability] = Capability.VIEW_PARTNERS
    id: relay.NodeID[str]
    name: str
    partner_id: str = strawberry.field(description="The public Partner ID (MPN ID).")
    kind: PartnerKind

    @classmethod
    def from_row(cls, row: models.Partner) -> Self:
        return cls(id=str(row.id), name=row.name, partner_id=row.partner_id, kind=row.kind)

    @classmethod
    def visible(cls, partner: Partner) -> QuerySet[Any]:
        return service.visible_partners(partner)


async def load_partner(info: Info, partner_id: UUID | None) -> PartnerNode | None:
    if partner_id is None:
        return None
    row = await info.context.loader(partners_by_id).load(partner_id)
    return PartnerNode.from_row(row) if row else None


@strawberry.type
class Viewer:
    user_id: str
    tenant_id: str
    roles: list[str]
    partner: PartnerNode | None = strawberry.field(
        description="Null for a customer-side principal."
    )


def viewer_of(info: Info) -> Viewer:
    context = info.context
    principal = context.viewer
    return Viewer(
        user_id=principal.user_id,
        tenant_id=str(principal.tenant_id),
        roles=sorted(principal.roles),
        partner=PartnerNode.from_row(context.partner) if context.partner else None,
    )
