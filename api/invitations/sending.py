"""Sending an invitation (by our worker's email or by the partner's own mail client),
and cancelling one."""

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from api import validation
from api.actors import Actor
from api.audit import log as audit
from api.audit.models import AuditAction
from api.db.transaction import atomic
from api.errors import UserErrorCode, UserInputError, invalid
from api.invitations import drafts
from api.invitations.email_delivery import SEND_INVITATION_EMAIL, SendInvitationEmail
from api.invitations.events import announce, notify_systems
from api.invitations.links import token_of, url_of
from api.invitations.models import OPEN_STATUSES, DeliveryMethod, Invitation, InvitationStatus
from api.invitations.queries import customer_tenant, own_invitation
from api.invitations.status import closed_error, effective_status, now
from api.settings import Settings
from api.webhooks.models import WebhookEventType

MAX_SUBJECT_LENGTH = 300
MAX_BODY_LENGTH = 20_000

# Where sending may start from: a draft, or a delivery that failed. Once sent, the
# customer holds the link; sending it again is a new invitation, not a new status.
_SENDABLE = (InvitationStatus.DRAFT, InvitationStatus.FAILED)


@dataclass(frozen=True)
class Sending:
    delivery: DeliveryMethod = DeliveryMethod.EMAIL
    # Edits of the draft; None keeps the draft's.
    subject: str | None = None
    body: str | None = None  # must still contain the invitation url
    recipient_email: str | None = None


async def send(
    actor: Actor, invitation_id: UUID, sending: Sending, *, settings: Settings
) -> Invitation:
    invitation = await own_invitation(actor.acting_partner, invitation_id)
    _check_sendable(invitation)
    changes = _edits(invitation, sending, settings)
    if sending.delivery is DeliveryMethod.EMAIL:
        changes |= {
            "status": InvitationStatus.QUEUED,
            "send_count": invitation.send_count + 1,
            "delivery_attempts": 0,
            "last_delivery_error": None,
        }
    else:
        changes |= {"status": InvitationStatus.SENT, "sent_at": now()}

    async with atomic():
        # Conditional on what was read, so a concurrent acceptance, cancellation or
        # send is never overwritten.
        updated = await Invitation.filter(
            id=invitation.id,
            status=invitation.status,
            send_count=invitation.send_count,
            expires_at__gt=now(),
        ).update(**changes)
        if not updated:
            raise UserInputError(
                UserErrorCode.CONFLICT,
                "The invitation changed while you were sending it. Reload it and try again.",
                ["invitation_id"],
            )
        await invitation.refresh_from_db()
        if sending.delivery is DeliveryMethod.EMAIL:
            await SEND_INVITATION_EMAIL.enqueue(
                SendInvitationEmail(invitation_id=invitation.id, send_number=invitation.send_count)
            )
        else:
            await audit.record(
                actor,
                partner_id=invitation.partner_id,
                action=AuditAction.INVITATION_SENT,
                customer_tenant_id=await customer_tenant(invitation),
                details={"invitationId": str(invitation.id), "delivery": sending.delivery.value},
            )
            assert invitation.sent_at is not None
            await notify_systems(
                invitation,
                WebhookEventType.INVITATION_SENT,
                invitation.sent_at,
                deliveryMethod=sending.delivery.value,
            )
        await announce(invitation)
    return invitation


def _edits(invitation: Invitation, sending: Sending, settings: Settings) -> dict[str, Any]:
    """The columns `sending` changes, checked."""
    token = token_of(settings, invitation)
    url = url_of(settings, invitation)
    changes: dict[str, Any] = {"delivery_method": sending.delivery}
    if sending.subject is not None:
        subject = validation.text(sending.subject, ["subject"], max_length=MAX_SUBJECT_LENGTH)
        if token in subject:
            # The subject is stored as written; the link belongs in the body only.
            raise invalid(["subject"], "The subject must not contain the link.")
        changes["subject"] = subject
    if sending.body is not None:
        edited = validation.text(sending.body, ["body"], max_length=MAX_BODY_LENGTH, multiline=True)
        if url not in edited:
            raise UserInputError(
                UserErrorCode.URL_MISSING,
                "The email body must contain the invitation link exactly as given.",
                ["body"],
            )
        changes["body_template"] = drafts.to_template(edited, url)
    if sending.recipient_email is not None:
        changes["recipient_email"] = validation.email(sending.recipient_email, ["recipient_email"])
    if sending.delivery is DeliveryMethod.EMAIL and not changes.get(
        "recipient_email", invitation.recipient_email
    ):
        raise invalid(
            ["recipient_email"],
            "The recipient's email address is required to send the invitation by email.",
        )
    return changes


def _check_sendable(invitation: Invitation) -> None:
    field = ["invitation_id"]
    if invitation.status in _SENDABLE and invitation.expires_at <= now():
        raise UserInputError(UserErrorCode.INVITATION_EXPIRED, "The invitation has expired.", field)
    if invitation.status is InvitationStatus.QUEUED:
        raise UserInputError(
            UserErrorCode.CONFLICT, "The invitation is already being delivered.", field
        )
    if invitation.status is InvitationStatus.SENT:
        raise UserInputError(
            UserErrorCode.CONFLICT,
            "The invitation was already sent. Cancel it and request a new one to send "
            "another link.",
            field,
        )
    if (
        invitation.status not in _SENDABLE
        or effective_status(invitation) is InvitationStatus.EXPIRED
    ):
        raise closed_error(invitation, field)


async def cancel(actor: Actor, invitation_id: UUID) -> Invitation:
    invitation = await own_invitation(actor.acting_partner, invitation_id)
    async with atomic():
        # Conditional on the status, so a concurrent acceptance wins or loses cleanly.
        updated = await Invitation.filter(
            id=invitation.id, status__in=list(OPEN_STATUSES), expires_at__gt=now()
        ).update(status=InvitationStatus.CANCELLED)
        if not updated:
            await invitation.refresh_from_db()
            raise closed_error(invitation, ["invitation_id"])
        await audit.record(
            actor,
            partner_id=invitation.partner_id,
            action=AuditAction.INVITATION_CANCELLED,
            customer_tenant_id=await customer_tenant(invitation),
            details={"invitationId": str(invitation.id)},
        )
        await announce(invitation)
    await invitation.refresh_from_db()
    return invitation
