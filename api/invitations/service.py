"""What the invitation modules share: tokens and links, effective status, visibility.

The operations live beside it: `request.py`, `delivery.py`, `acceptance.py`.
"""

import re
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from api import events, validation
from api.context import Context
from api.errors import UserErrorCode, UserInputError
from api.invitations import tokens
from api.invitations.models import (
    OPEN_STATUSES,
    Invitation,
    InvitationStatus,
)
from api.pagination import Ordering, newest_first
from api.partners.models import Partner
from api.settings import Settings

SEND_INVITATION_EMAIL = "send_invitation_email"
MAX_SUBJECT_LENGTH = 300
MAX_BODY_LENGTH = 20_000
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{20,100}$")

NEWEST_FIRST: Ordering[Invitation] = newest_first("created_at")


def now() -> datetime:
    return datetime.now(UTC)


# ------------------------------------------------------------------ reading


def token_of(settings: Settings, invitation: Invitation) -> str:
    secret = settings.token_secret
    assert secret is not None, "create_app refuses to start without a token secret"
    return tokens.derive(secret, invitation.id, invitation.token_salt)


def url_of(settings: Settings, invitation: Invitation) -> str:
    return f"{settings.public_base_url}/invitations/{token_of(settings, invitation)}"


def effective_status(invitation: Invitation, at: datetime | None = None) -> InvitationStatus:
    """The status, counting an open invitation past its expiry as EXPIRED even before
    the periodic job has marked it."""
    if invitation.status in OPEN_STATUSES and invitation.expires_at <= (at or now()):
        return InvitationStatus.EXPIRED
    return invitation.status


def visible_invitations(partner: Partner) -> QuerySet[Invitation]:
    """Invitations the partner sent, and those naming it as the indirect provider."""
    return Invitation.filter(Q(partner_id=partner.id) | Q(indirect_provider_id=partner.id))


def status_filter(statuses: list[InvitationStatus], at: datetime) -> Q:
    """Matches the effective status (see `effective_status`)."""
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


async def find_by_token(token: str) -> Invitation | None:
    if not _TOKEN_SHAPE.match(token):
        return None
    return await Invitation.get_or_none(token_hash=tokens.digest(token))


async def own_invitation(context: Context, invitation_id: str) -> Invitation:
    pk = validation.node_id(invitation_id, "Invitation", ["invitationId"])
    invitation = (
        await Invitation.get_or_none(id=pk, partner_id=context.viewer_partner.id) if pk else None
    )
    if invitation is None:
        raise UserInputError(UserErrorCode.NOT_FOUND, "No such invitation.", ["invitationId"])
    return invitation


def closed_error(invitation: Invitation, field: list[str]) -> UserInputError:
    status = effective_status(invitation)
    if status is InvitationStatus.EXPIRED:
        return UserInputError(
            UserErrorCode.INVITATION_EXPIRED, "The invitation has expired.", field
        )
    return UserInputError(
        UserErrorCode.INVITATION_CLOSED, f"The invitation is {status.value.lower()}.", field
    )


def parties(invitation: Invitation) -> list[UUID]:
    """The partners an invitation concerns: the inviter and the named provider."""
    return [p for p in (invitation.partner_id, invitation.indirect_provider_id) if p is not None]


async def announce(invitation: Invitation) -> None:
    """Tell dashboards (`invitationUpdated`) once the current transaction commits."""
    await events.queue(
        parties(invitation),
        {"type": events.INVITATION_UPDATED, "invitationId": str(invitation.id)},
    )


def actor(context: Context) -> dict[str, Any]:
    principal = context.viewer
    return {"actor_user_id": principal.user_id, "actor_tenant_id": principal.tenant_id}
