"""Delivers an invitation email for one `sendInvitation` (QUEUED → SENT, or FAILED).

Sent at most once per send: the job only sends while the invitation is QUEUED for
this very send, records the delivery in Redis the moment the SMTP server accepts
it, then marks the invitation SENT; a retry of a delivered job sends nothing. The
Message-ID is stable per send.
"""

from datetime import UTC, datetime
from typing import Any

from api import mail
from api.audit import service as audit
from api.audit.models import AuditAction
from api.customers.models import Customer
from api.db.transaction import atomic
from api.invitations import drafts
from api.invitations.models import Invitation, InvitationStatus
from api.invitations.service import announce, url_of
from api.partners.models import Partner
from workers.jobs import SYSTEM_ACTOR, JobContext, describe

# Longer than any retry schedule of one delivery.
DELIVERY_MEMORY_SECONDS = 7 * 24 * 3600


async def _queued(invitation_id: str, send_number: int) -> Invitation | None:
    invitation = await Invitation.get_or_none(id=invitation_id)
    if (
        invitation is None
        or invitation.status is not InvitationStatus.QUEUED
        or invitation.send_count != send_number
    ):
        return None  # cancelled, superseded by a newer send, or already delivered
    return invitation


async def _audit(invitation: Invitation, action: AuditAction, details: dict[str, Any]) -> None:
    """Worker entries are logged as the system acting within the partner's tenant."""
    partner = await Partner.get(id=invitation.partner_id)
    customer = (
        await Customer.get_or_none(id=invitation.customer_id) if invitation.customer_id else None
    )
    await audit.record(
        partner_id=partner.id,
        action=action,
        actor_user_id=SYSTEM_ACTOR,
        actor_tenant_id=partner.tenant_id,
        customer_tenant_id=customer.tenant_id if customer else None,
        details={"invitationId": str(invitation.id), **details},
    )


async def send_invitation_email(job: JobContext, invitation_id: str, send_number: int) -> None:
    invitation = await _queued(invitation_id, send_number)
    if invitation is None:
        return
    assert invitation.recipient_email, "sendInvitation refuses EMAIL without a recipient"
    settings = job.settings
    body = drafts.complete(invitation.body_template, url_of(settings, invitation))
    message_id = mail.message_id(settings, f"invitation-{invitation.id}-{send_number}")
    # Remembered as soon as the SMTP server has it, so that a retry (say, the database
    # update below failed) finishes the job without sending the message again.
    delivered = f"{settings.redis_prefix}:delivered:{message_id}"
    if not await job.redis.exists(delivered):
        await mail.send(
            settings,
            mail.message(
                settings,
                to=invitation.recipient_email,
                subject=invitation.subject,
                body=body,
                message_id=message_id,
            ),
        )
        await job.redis.set(delivered, job.attempt, ex=DELIVERY_MEMORY_SECONDS)
    async with atomic(job.redis, settings):
        updated = await Invitation.filter(
            id=invitation.id, status=InvitationStatus.QUEUED, send_count=send_number
        ).update(
            status=InvitationStatus.SENT,
            sent_at=datetime.now(UTC),
            delivery_attempts=job.attempt,
            last_delivery_error=None,
        )
        if updated:
            await _audit(
                invitation,
                AuditAction.INVITATION_SENT,
                {"delivery": "EMAIL", "messageId": message_id, "attempts": job.attempt},
            )
            await announce(invitation)


async def record_delivery_failure(
    job: JobContext, error: Exception, *, final: bool, invitation_id: str, send_number: int
) -> None:
    invitation = await _queued(invitation_id, send_number)
    if invitation is None:
        return
    description = describe(error)
    async with atomic(job.redis, job.settings):
        updates: dict[str, object] = {
            "delivery_attempts": job.attempt,
            "last_delivery_error": description,
        }
        if final:
            updates["status"] = InvitationStatus.FAILED
        updated = await Invitation.filter(
            id=invitation.id, status=InvitationStatus.QUEUED, send_count=send_number
        ).update(**updates)
        if updated:
            await announce(invitation)
        if updated and final:
            await _audit(
                invitation,
                AuditAction.INVITATION_DELIVERY_FAILED,
                {"attempts": job.attempt, "error": description},
            )
