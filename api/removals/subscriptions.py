from collections.abc import AsyncGenerator
from datetime import datetime
from enum import Enum

import strawberry

from api import events
from api.context import Info
from api.permissions import Capability, requires
from api.removals import service
from api.removals.types import RelationshipRemovalNode


@strawberry.enum
class RelationshipEventKind(Enum):
    ESTABLISHED = "ESTABLISHED"
    REMOVED = "REMOVED"
    DELEGATED_ADMIN_REVOKED = "DELEGATED_ADMIN_REVOKED"


@strawberry.type
class RelationshipEvent:
    kind: RelationshipEventKind
    customer_tenant_id: str
    occurred_at: datetime
    removal: RelationshipRemovalNode | None


@strawberry.type
class RelationshipSubscriptions:
    @strawberry.subscription(
        description="Relationship changes of the viewer's partner. GLOBAL_ADMIN, ADMIN_AGENT, "
        "SALES_AGENT.",
        extensions=[requires(Capability.SUBSCRIBE)],
    )
    async def relationship_events(self, info: Info) -> AsyncGenerator[RelationshipEvent, None]:
        context = info.context
        partner = context.viewer_partner
        async for event in context.services.events.stream(partner.id, events.RELATIONSHIP):
            removal = None
            if event.get("removalId"):
                row = await service.removals_of(partner).get_or_none(id=event["removalId"])
                removal = RelationshipRemovalNode.from_row(row) if row else None
            context.fresh_loaders()
            yield RelationshipEvent(
                kind=RelationshipEventKind(event["kind"]),
                customer_tenant_id=event["customerTenantId"],
                occurred_at=datetime.fromisoformat(event["occurredAt"]),
                removal=removal,
            )
