from typing import Any, ClassVar
from uuid import UUID

import strawberry
from strawberry import relay
from tortoise.queryset import QuerySet

from api.graphql.context import Info
from api.graphql.node import ScopedNode
from api.graphql.partners.loaders import partners_by_id
from api.partners import models
from api.partners.queries import visible_partners
from api.permissions import Capability, capabilities_of

PartnerKind = models.PartnerKind
strawberry.enum(models.PartnerKind)
strawberry.enum(Capability, description="What a principal may do (the permission table).")
for _value in Capability.__strawberry_definition__.values:  # type: ignore[attr-defined]
    _value.description = f"May {_value.value}."


@strawberry.type(name="Partner")
class PartnerNode(ScopedNode):
    row_type = models.Partner
    node_capability: ClassVar[Capability] = Capability.VIEW_PARTNERS
    id: relay.NodeID[str]
    name: str
    partner_id: str = strawberry.field(description="The public Partner ID (MPN ID).")
    kind: PartnerKind

    @classmethod
    def visible(cls, partner: models.Partner) -> QuerySet[Any]:
        return visible_partners(partner)


async def load_partner(info: Info, partner_id: UUID | None) -> PartnerNode | None:
    if partner_id is None:
        return None
    row = await info.context.loader(partners_by_id).load(partner_id)
    return PartnerNode.of(row) if row else None


@strawberry.type
class Viewer:
    user_id: str
    tenant_id: str
    roles: list[str]
    partner: PartnerNode | None = strawberry.field(
        description="Null for a customer-side principal."
    )
    capabilities: list[Capability] = strawberry.field(
        description="What the viewer may do: clients show or hide features by this list "
        "rather than by role names."
    )


def viewer_of(info: Info) -> Viewer:
    actor = info.context.viewer
    return Viewer(
        user_id=actor.user_id,
        tenant_id=str(actor.tenant_id),
        roles=sorted(actor.roles),
        partner=PartnerNode.of(actor.partner) if actor.partner else None,
        capabilities=capabilities_of(actor),
    )
