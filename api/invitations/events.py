"""What the invitation state machine tells subscribers and the partners' own systems."""

from datetime import datetime
from typing import Any

from api.events import publishing
from api.events.models import InvitationUpdated
from api.invitations.models import Invitation
from api.invitations.queries import customer_tenant, parties
from api.webhooks import delivery as webhooks
from api.webhooks.models import WebhookEventType


async def announce(invitation: Invitation) -> None:
    """Tell dashboards (`invitationUpdated`) once the current transaction commits."""
    await publishing.after_commit(
        parties(invitation), InvitationUpdated(invitation_id=invitation.id)
    )


async def notify_systems(
    invitation: Invitation, event: WebhookEventType, at: datetime, **details: Any
) -> None:
    """Tell the partners' own systems (webhooks) once the current transaction commits."""
    tenant = await customer_tenant(invitation)
    await webhooks.notify(
        parties(invitation),
        event,
        {
            "invitationId": str(invitation.id),
            "customerTenantId": str(tenant) if tenant else None,
            "recipientEmail": invitation.recipient_email,
            **details,
        },
        occurred_at=at,
    )
