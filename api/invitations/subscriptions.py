from collections.abc import AsyncGenerator
from datetime import datetime

import strawberry

from api import events
from api.context import Info
from api.invitations import service
from api.invitations.types import InvitationNode
from api.permissions import Capability, requires


@strawberry.type
class InvitationAcceptedEvent:
    invitation: InvitationNode
    customer_tenant_id: str
    accepted_at: datetime


@strawberry.type
class InvitationSubscriptions:
    @strawberry.subscription(
        description="Invitations of the viewer's partner (as inviter or named indirect "
        "provider) being accepted. GLOBAL_ADMIN, ADMIN_AGENT, SALES_AGENT.",
        extensions=[requires(Capability.SUBSCRIBE)],
    )
    async def invitation_accepted(
        self, info: Info
    ) -> AsyncGenerator[InvitationAcceptedEvent, None]:
        context = info.context
        partner = context.viewer_partner
        async for event in context.services.events.stream(partner.id, events.INVITATION_ACCEPTED):
            invitation = await service.visible_invitations(partner).get_or_none(
                id=event["invitationId"]
            )
            if invitation is None:
                continue
            context.fresh_loaders()
            yield InvitationAcceptedEvent(
                invitation=InvitationNode.from_row(invitation),
                customer_tenant_id=event["customerTenantId"],
                accepted_at=datetime.fromisoformat(event["acceptedAt"]),
            )

    @strawberry.subscription(
        description="Any change of an invitation of the viewer's partner (created, queued, "
        "sent, failed, cancelled, accepted), with its current state. GLOBAL_ADMIN, "
        "ADMIN_AGENT, SALES_AGENT.",
        extensions=[requires(Capability.SUBSCRIBE)],
    )
    async def invitation_updated(self, info: Info) -> AsyncGenerator[InvitationNode, None]:
        context = info.context
        partner = context.viewer_partner
        async for event in context.services.events.stream(partner.id, events.INVITATION_UPDATED):
            invitation = await service.visible_invitations(partner).get_or_none(
                id=event["invitationId"]
            )
            if invitation is not None:
                context.fresh_loaders()
                yield InvitationNode.from_row(invitation)
