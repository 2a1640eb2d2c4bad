"""An invitation's status as callers see it: open invitations past their expiry count
as EXPIRED even before the expiry job has marked them."""

from datetime import UTC, datetime

from tortoise.expressions import Q

from api.errors import UserErrorCode, UserInputError
from api.invitations.models import OPEN_STATUSES, Invitation, InvitationStatus


def now() -> datetime:
    return datetime.now(UTC)


def effective_status(invitation: Invitation, at: datetime | None = None) -> InvitationStatus:
    if invitation.status in OPEN_STATUSES and invitation.expires_at <= (at or now()):
        return InvitationStatus.EXPIRED
    return invitation.status


def status_filter(statuses: list[InvitationStatus], at: datetime) -> Q:
    """Matches the effective status."""
    wanted = set(statuses)
    conditions = []
    open_wanted = [status for status in OPEN_STATUSES if status in wanted]
    if open_wanted:
        conditions.append(Q(status__in=open_wanted, expires_at__gt=at))
    closed_wanted = [status for status in wanted if status not in OPEN_STATUSES]
    if closed_wanted:
        conditions.append(Q(status__in=closed_wanted))
    if InvitationStatus.EXPIRED in wanted:
        conditions.append(Q(status__in=list(OPEN_STATUSES), expires_at__lte=at))
    return Q(*conditions, join_type="OR") if conditions else Q(id__in=[])


def closed_error(invitation: Invitation, field: list[str]) -> UserInputError:
    """Why an invitation that is no longer open refuses what was asked of it."""
    status = effective_status(invitation)
    if status is InvitationStatus.EXPIRED:
        return UserInputError(
            UserErrorCode.INVITATION_EXPIRED, "The invitation has expired.", field
        )
    message = _CLOSED.get(status, "This invitation is no longer open.")
    return UserInputError(UserErrorCode.INVITATION_CLOSED, message, field)


_CLOSED = {
    InvitationStatus.ACCEPTED: "This invitation has already been accepted.",
    InvitationStatus.CANCELLED: "This invitation was cancelled by the partner.",
    InvitationStatus.FAILED: "This invitation could not be delivered and is closed.",
}
