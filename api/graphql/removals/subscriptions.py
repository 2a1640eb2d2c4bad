from collections.abc import AsyncGenerator
from datetime import datetime
from functools import partial

import strawberry

from api.events.models import RelationshipChange, RelationshipChanged
from api.graphql.context import Info
from api.graphql.permissions import guard
from api.graphql.removals.types import RelationshipRemovalNode
from api.permissions import Capability
from api.removals.models import RelationshipRemoval, RemovalStatus
from api.removals.removal import removals_of

RelationshipEventKind = RelationshipChange
strawberry.enum(RelationshipChange, name="RelationshipEventKind")


@strawberry.type
class RelationshipEvent:
    kind: RelationshipEventKind
    customer_tenant_id: str
    occurred_at: datetime
    removal: RelationshipRemovalNode | None


def as_of(row: RelationshipRemoval, event: RelationshipChanged) -> RelationshipRemoval:
    """The removal as the event saw it, not as it is by the time it is read (the
    REMOVED event of a removal completed since must still say PENDING)."""
    if event.removal_status is not None:
        row.status = RemovalStatus(event.removal_status)
        row.delegated_admin_revoked = bool(event.delegated_admin_revoked)
        row.completed_at = event.completed_at
    return row


@strawberry.type
class RelationshipSubscriptions:
    @strawberry.subscription(
        **guard(Capability.SUBSCRIBE, "Relationship changes of the viewer's partner. {roles}.")
    )
    async def relationship_events(self, info: Info) -> AsyncGenerator[RelationshipEvent, None]:
        context = info.context
        partner = context.viewer_partner
        async for delivery in context.services.events.stream(partner.id, RelationshipChanged):
            event = delivery.event
            context.share_loaders(delivery.shared)
            removal = None
            if event.removal_id is not None:
                read = partial(removals_of(partner).get_or_none, id=event.removal_id)
                row = await context.once(("removal", event.removal_id), read)
                removal = RelationshipRemovalNode.of(as_of(row, event)) if row else None
            yield RelationshipEvent(
                kind=event.kind,
                customer_tenant_id=str(event.customer_tenant_id),
                occurred_at=event.occurred_at,
                removal=removal,
            )
