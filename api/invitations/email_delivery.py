"""Delivering the email of one send (QUEUED → SENT, or FAILED after the last try):
a job, run by the worker after `sending.send` commits.

Sent at most once per send: the job only sends while the invitation is QUEUED for
this very send, records the delivery in Redis the moment the SMTP server accepts
it, then marks the invitation SENT; a retry of a delivered job sends nothing. The
Message-ID is stable per send.
"""

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from api.actors import Actor
from api.audit import log as audit
from api.audit.models import AuditAction
from api.db.transaction import atomic
from api.integrations import mail
from api.invitations import drafts
from api.invitations.events import announce, notify_systems
from api.invitations.links import url_of
from api.invitations.models import Invitation, InvitationStatus
from api.invitations.queries import customer_tenant
from api.jobs import Failure, Job, JobArgs, JobContext
from api.partners.models import Partner
from api.webhooks.models import WebhookEventType

# Longer than any retry schedule of one delivery.
DELIVERY_MEMORY_SECONDS = 7 * 24 * 3600


class SendInvitationEmail(JobArgs):
    invitation_id: UUID
    # Which send this delivery belongs to: a retry of an older send never mails.
    send_number: int


async def _queued(args: SendInvitationEmail) -> Invitation | None:
    invitation = await Invitation.get_or_none(id=args.invitation_id)
    if (
        invitation is None
        or invitation.status is not InvitationStatus.QUEUED
        or invitation.send_count != args.send_number
    ):
        return None  # cancelled, superseded by a newer send, or already delivered
    return invitation


async def _audit(invitation: Invitation, action: AuditAction, details: dict[str, Any]) -> None:
    partner = await Partner.get(id=invitation.partner_id)
    await audit.record(
        Actor.system(partner),
        partner_id=partner.id,
        action=action,
        customer_tenant_id=await customer_tenant(invitation),
        details={"invitationId": str(invitation.id), **details},
    )


async def deliver(job: JobContext, args: SendInvitationEmail) -> None:
    invitation = await _queued(args)
    if invitation is None:
        return
    assert invitation.recipient_email, "sending refuses EMAIL without a recipient"
    settings = job.settings
    body = drafts.complete(invitation.body_template, url_of(settings, invitation))
    message_id = mail.message_id(settings, f"invitation-{invitation.id}-{args.send_number}")
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
    sent_at = datetime.now(UTC)
    async with atomic():
        updated = await Invitation.filter(
            id=invitation.id, status=InvitationStatus.QUEUED, send_count=args.send_number
        ).update(
            status=InvitationStatus.SENT,
            sent_at=sent_at,
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
            await notify_systems(
                invitation, WebhookEventType.INVITATION_SENT, sent_at, deliveryMethod="EMAIL"
            )


async def record_failure(job: JobContext, args: SendInvitationEmail, failure: Failure) -> None:
    invitation = await _queued(args)
    if invitation is None:
        return
    async with atomic():
        updates: dict[str, object] = {
            "delivery_attempts": job.attempt,
            "last_delivery_error": failure.error,
        }
        if failure.final:
            updates["status"] = InvitationStatus.FAILED
        updated = await Invitation.filter(
            id=invitation.id, status=InvitationStatus.QUEUED, send_count=args.send_number
        ).update(**updates)
        if updated:
            await announce(invitation)
        if updated and failure.final:
            await _audit(
                invitation,
                AuditAction.INVITATION_DELIVERY_FAILED,
                {"attempts": job.attempt, "error": failure.error},
            )
            await notify_systems(
                invitation,
                WebhookEventType.INVITATION_FAILED,
                datetime.now(UTC),
                attempts=job.attempt,
            )


SEND_INVITATION_EMAIL = Job("send_invitation_email", SendInvitationEmail, deliver, record_failure)
