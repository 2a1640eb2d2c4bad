"""Marks open invitations past their expiry as EXPIRED (the worker runs it every
minute). Acceptance already refuses them before this runs (`status.effective_status`);
this keeps the stored status honest."""

from api.invitations.models import OPEN_STATUSES, Invitation, InvitationStatus
from api.invitations.status import now


async def expire_invitations() -> int:
    return await Invitation.filter(status__in=list(OPEN_STATUSES), expires_at__lte=now()).update(
        status=InvitationStatus.EXPIRED
    )
