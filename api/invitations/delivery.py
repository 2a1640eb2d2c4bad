"""Sending an invitation (by the worker's email or by hand) and cancelling it."""

from typing import Any
from uuid import UUID

from api import validation
from api.audit import service as audit
from api.audit.models import AuditAction
from api.context import Context
from api.customers.models import (
    Customer,
)
from api.db import outbox
from api.db.transaction import atomic
from api.errors import UserErrorCode, UserInputError
from api.invitations import drafts
from api.invitations.models import (
    OPEN_STATUSES,
    DeliveryMethod,
    Invitation,
    InvitationStatus,
)
from api.invitations.service import (
    MAX_BODY_LENGTH,
    MAX_SUBJECT_LENGTH,
    SEND_INVITATION_EMAIL,
    actor,
    announce,
    closed_error,
    effective_status,
    now,
    own_invitation,
    token_of,
    url_of,
)


async def send(
    context: Context,
    *,
    invitation_id: str,
    subject: str | None,
    body: str | None,
    recipient_email: str | None,
    delivery: DeliveryMethod,
) -> Invitation:
    services = context.services
    invitation = await own_invitation(context, invitation_id)
    _check_sendable(invitation)
    token = token_of(services.settings, invitation)
    url = url_of(services.settings, invitation)
    changes: dict[str, Any] = {"delivery_method": delivery}
    if subject is not None:
        changes["subject"] = validation.text(subject, ["subject"], max_length=MAX_SUBJECT_LENGTH)
        if token in changes["subject"]:
            # The subject is stored as written; the link belongs in the body only.
            raise validation.invalid(["subject"], "The subject must not contain the link.")
    if body is not None:
        edited = validation.text(body, ["body"], max_length=MAX_BODY_LENGTH, multiline=True)
        if url not in edited:
            raise UserInputError(
                UserErrorCode.URL_MISSING,
                "The email body must contain the invitation link exactly as given.",
                ["body"],
            )
        changes["body_template"] = drafts.to_template(edited, url)
    if recipient_email is not None:
        changes["recipient_email"] = validation.email(recipient_email, ["recipientEmail"])
    if delivery is DeliveryMethod.EMAIL and not changes.get(
        "recipient_email", invitation.recipient_email
    ):
        raise validation.invalid(["recipientEmail"], "A recipient email is required to send it.")
    if delivery is DeliveryMethod.EMAIL:
        changes |= {
            "status": InvitationStatus.QUEUED,
            "send_count": invitation.send_count + 1,
            "delivery_attempts": 0,
            "last_delivery_error": None,
        }
    else:
        changes |= {"status": InvitationStatus.SENT, "sent_at": now()}

    async with atomic(services.redis, services.settings):
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
                ["invitationId"],
            )
        await invitation.refresh_from_db()
        if delivery is DeliveryMethod.EMAIL:
            await outbox.add(
                SEND_INVITATION_EMAIL,
                invitation_id=str(invitation.id),
                send_number=invitation.send_count,
            )
        else:
            await audit.record(
                partner_id=invitation.partner_id,
                action=AuditAction.INVITATION_SENT,
                customer_tenant_id=await _customer_tenant(invitation),
                details={"invitationId": str(invitation.id), "delivery": delivery.value},
                **actor(context),
            )
        await announce(invitation)
    return invitation


# Where `sendInvitation` may start from: a draft, or a delivery that failed. Once sent,
# the customer holds the link; sending it again is a new invitation, not a new status.
_SENDABLE = (InvitationStatus.DRAFT, InvitationStatus.FAILED)


def _check_sendable(invitation: Invitation) -> None:
    field = ["invitationId"]
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


async def _customer_tenant(invitation: Invitation) -> UUID | None:
    if invitation.customer_id is None:
        return None
    customer = await Customer.get_or_none(id=invitation.customer_id)
    return customer.tenant_id if customer else None


async def cancel(context: Context, *, invitation_id: str) -> Invitation:
    services = context.services
    invitation = await own_invitation(context, invitation_id)
    async with atomic(services.redis, services.settings):
        # Conditional on the status, so a concurrent acceptance wins or loses cleanly.
        updated = await Invitation.filter(
            id=invitation.id, status__in=list(OPEN_STATUSES), expires_at__gt=now()
        ).update(status=InvitationStatus.CANCELLED)
        if not updated:
            await invitation.refresh_from_db()
            raise closed_error(invitation, ["invitationId"])
        await audit.record(
            partner_id=invitation.partner_id,
            action=AuditAction.INVITATION_CANCELLED,
            customer_tenant_id=await _customer_tenant(invitation),
            details={"invitationId": str(invitation.id)},
            **actor(context),
        )
        await announce(invitation)
    await invitation.refresh_from_db()
    return invitation
