"""Marks open invitations past their expiry as EXPIRED (the worker runs it every
minute). Acceptance already refuses them before this runs (`status.effective_status`);
this keeps the stored status honest, and tells the partners' systems."""

from api.db.transaction import atomic
from api.invitations.events import notify_systems
from api.invitations.models import OPEN_STATUSES, Invitation, InvitationStatus
from api.invitations.status import now
from api.webhooks.models import WebhookEventType

BATCH = 500


async def expire_invitations() -> int:
    expired = 0
    while True:
        async with atomic():
            due = await Invitation.filter(
                status__in=list(OPEN_STATUSES), expires_at__lte=now()
            ).limit(BATCH)
            for invitation in due:
                # Conditional: an acceptance or a cancellation that got there first wins.
                if await Invitation.filter(id=invitation.id, status__in=list(OPEN_STATUSES)).update(
                    status=InvitationStatus.EXPIRED
                ):
                    expired += 1
                    await notify_systems(
                        invitation, WebhookEventType.INVITATION_EXPIRED, invitation.expires_at
                    )
        if len(due) < BATCH:
            return expired
