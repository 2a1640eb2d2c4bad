from collections.abc import AsyncGenerator
from datetime import datetime

import strawberry

from api.events.models import RelationshipChange, RelationshipChanged
from api.graphql.context import Info
from api.graphql.permissions import guard
from api.graphql.removals.types import RelationshipRemovalNode
from api.permissions import Capability
from api.removals.removal import removals_of

RelationshipEventKind = RelationshipChange
strawberry.enum(RelationshipChange, name="RelationshipEventKind")


@strawberry.type
class RelationshipEvent:
    kind: RelationshipEventKind
    customer_tenant_id: str
    occurred_at: datetime
    removal: RelationshipRemovalNode | None


@strawberry.type
class RelationshipSubscriptions:
    @strawberry.subscription(
        **guard(Capability.SUBSCRIBE, "Relationship changes of the viewer's partner. {roles}.")
    )
    async def relationship_events(self, info: Info) -> AsyncGenerator[RelationshipEvent, None]:
        context = info.context
        partner = context.viewer_partner
        async for event in context.services.events.stream(partner.id, RelationshipChanged):
            removal = None
            if event.removal_id is not None:
                row = await removals_of(partner).get_or_none(id=event.removal_id)
                removal = RelationshipRemovalNode.of(row) if row else None
            context.fresh_loaders()
            yield RelationshipEvent(
                kind=event.kind,
                customer_tenant_id=str(event.customer_tenant_id),
                occurred_at=event.occurred_at,
                removal=removal,
            )
