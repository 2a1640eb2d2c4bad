from collections.abc import Iterable
from typing import ClassVar, Self
from uuid import UUID

import strawberry
from strawberry import relay

from api.context import Info
from api.partners import models, service
from api.partners.loaders import partners_by_id
from api.permissions import Capability

PartnerKind = models.PartnerKind
strawberry.enum(models.PartnerKind)


@strawberry.type(name="Partner")
class PartnerNode(relay.Node):
    node_capability: ClassVar[Capability] = Capability.VIEW_PARTNERS
    id: relay.NodeID[str]
    name: str
    partner_id: str = strawberry.field(description="The public Partner ID (MPN ID).")
    kind: PartnerKind

    @classmethod
    def from_row(cls, row: models.Partner) -> Self:
        return cls(id=str(row.id), name=row.name, partner_id=row.partner_id, kind=row.kind)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        ids = [UUID(node_id) for node_id in node_ids]
        rows = {
            row.id: row
            for row in await service.visible_partners(info.context.viewer_partner, set(ids))
        }
        return [cls.from_row(rows[key]) if key in rows else None for key in ids]


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
