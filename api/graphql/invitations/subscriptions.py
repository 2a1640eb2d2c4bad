from collections.abc import AsyncGenerator, Awaitable
from datetime import datetime
from uuid import UUID

import strawberry

from api.events.models import InvitationAccepted, InvitationUpdated
from api.graphql.context import Info
from api.graphql.invitations.types import InvitationNode
from api.graphql.permissions import guard
from api.invitations.models import Invitation
from api.invitations.queries import visible_invitations
from api.permissions import Capability


def _visible(info: Info, invitation_id: UUID) -> Awaitable[Invitation | None]:
    partner = info.context.viewer_partner
    return info.context.once(
        ("invitation", invitation_id),
        lambda: visible_invitations(partner).get_or_none(id=invitation_id),
    )


@strawberry.type
class InvitationAcceptedEvent:
    invitation: InvitationNode
    customer_tenant_id: str
    accepted_at: datetime


@strawberry.type
class InvitationSubscriptions:
    @strawberry.subscription(
        **guard(
            Capability.SUBSCRIBE,
            "Invitations of the viewer's partner (as inviter or named indirect provider) "
            "being accepted. {roles}.",
        )
    )
    async def invitation_accepted(
        self, info: Info
    ) -> AsyncGenerator[InvitationAcceptedEvent, None]:
        context = info.context
        partner = context.viewer_partner
        async for delivery in context.services.events.stream(partner.id, InvitationAccepted):
            event = delivery.event
            context.share_loaders(delivery.shared)
            invitation = await _visible(info, event.invitation_id)
            if invitation is None:
                continue
            yield InvitationAcceptedEvent(
                invitation=InvitationNode.of(invitation),
                customer_tenant_id=str(event.customer_tenant_id),
                accepted_at=event.accepted_at,
            )

    @strawberry.subscription(
        **guard(
            Capability.SUBSCRIBE,
            "Any change of an invitation of the viewer's partner (created, queued, sent, "
            "failed, cancelled, accepted), with its current state. {roles}.",
        )
    )
    async def invitation_updated(self, info: Info) -> AsyncGenerator[InvitationNode, None]:
        context = info.context
        partner = context.viewer_partner
        async for delivery in context.services.events.stream(partner.id, InvitationUpdated):
            context.share_loaders(delivery.shared)
            invitation = await _visible(info, delivery.event.invitation_id)
            if invitation is not None:
                yield InvitationNode.of(invitation)
