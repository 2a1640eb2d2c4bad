"""Marks open invitations past their expiry as EXPIRED. Acceptance already refuses
them before this runs (`effective_status`); this keeps the stored status honest."""

from datetime import UTC, datetime
from typing import Any

from api.invitations.models import OPEN_STATUSES, Invitation, InvitationStatus


async def expire_invitations(ctx: dict[str, Any]) -> int:
    return await Invitation.filter(
        status__in=list(OPEN_STATUSES), expires_at__lte=datetime.now(UTC)
    ).update(status=InvitationStatus.EXPIRED)
