"""Completes a removal in Partner Center — revokes the partner's DAP, then ends the
reseller relationship — and marks the removal COMPLETED: a job, run after
`removal.remove` (or `retry.retry`) commits. It ends FAILED (`failure.py`) at once
when Partner Center refuses — a business error, or a partner its credentials do not
act for: asking again would be refused again — and after the last try otherwise.

Idempotent: both calls count a customer already without DAP or the relationship as
done and carry request ids that stay the same across retries, and the database
changes happen in one transaction guarded by the removal's status, so a second run —
or a run after a crash between the calls and the commit — ends in the same single
COMPLETED state.
"""

import logging
from datetime import UTC, datetime
from uuid import UUID

from api.actors import Actor
from api.audit import log as audit
from api.audit.models import AuditAction
from api.db.transaction import atomic
from api.events import publishing
from api.events.models import RelationshipChange, RelationshipChanged
from api.integrations import partner_center
from api.integrations.partner_center import Call, PartnerCenterError
from api.jobs import Failure, Job, JobArgs, JobContext
from api.partners.models import Partner
from api.relationships import delegated_admin, reseller
from api.removals.failure import fail
from api.removals.models import RelationshipRemoval, RemovalErrorCode, RemovalStatus
from api.webhooks import delivery as webhooks
from api.webhooks.models import WebhookEventType

logger = logging.getLogger("api.removals")


class RevokeDelegatedAdmin(JobArgs):
    removal_id: UUID


class Refused(Exception):
    """Partner Center will not do it, however often asked."""

    def __init__(self, code: RemovalErrorCode, detail: str) -> None:
        super().__init__(detail)
        self.code = code


async def _superseded(removal: RelationshipRemoval) -> bool:
    """Whether the customer accepted the partner again (a new relationship or DAP
    grant) while this removal waited: the calls would take away the new ones, which
    Partner Center cannot tell apart from the old."""
    return await delegated_admin.is_active(
        removal.partner_id, removal.customer_id
    ) or await reseller.holds_reseller(removal.partner_id, removal.customer_id)


async def _remove_in_partner_center(
    job: JobContext, partner: Partner, removal: RelationshipRemoval
) -> None:
    """DAP first (while the customer is still the partner's to address), then the
    relationship. Record only when Partner Center is not configured."""
    client = partner_center.client(job.settings)
    if client is None:
        logger.info(
            "Partner Center not configured: removal %s of %s recorded only",
            removal.id,
            removal.customer_tenant_id,
        )
        return
    if partner.tenant_id != client.tenant_id:
        # The token acts for the configured partner: sent for another partner, the
        # calls would end the configured partner's relationship instead.
        raise Refused(
            RemovalErrorCode.OTHER_PARTNER_ACCOUNT,
            f"Partner Center acts for partner tenant {client.tenant_id}, not for "
            f"{partner.tenant_id}: removal not sent",
        )
    customer = removal.customer_tenant_id
    try:
        if removal.grant_id is not None:
            await client.remove_delegated_admin(customer, _call(removal, "remove-delegated-admin"))
        await client.remove_reseller_relationship(
            customer, _call(removal, "remove-reseller-relationship")
        )
    except PartnerCenterError as error:
        if error.retryable:
            raise
        raise Refused(RemovalErrorCode.REFUSED_BY_PARTNER_CENTER, str(error)) from error


def _call(removal: RelationshipRemoval, name: str) -> Call:
    # One correlation id for the removal's calls; one request id per call, the same
    # on every retry of it — but not when the partner asks again after a failure
    # (`retries`): that is a new request, not a retry of the refused one.
    if removal.retries:
        name = f"{name}:{removal.retries}"
    return Call(correlation_id=removal.id, request_id=partner_center.request_id(removal.id, name))


async def complete(job: JobContext, args: RevokeDelegatedAdmin) -> None:
    removal = await RelationshipRemoval.get_or_none(id=args.removal_id)
    if removal is None or removal.status is not RemovalStatus.PENDING:
        return  # done, or failed with the customer back in the list until asked again
    partner = await Partner.get(id=removal.partner_id)
    superseded = await _superseded(removal)
    revoke = removal.grant_id is not None and not superseded
    if not superseded:
        try:
            await _remove_in_partner_center(job, partner, removal)
        except Refused as refused:
            logger.warning("removal %s refused, not retried: %s", removal.id, refused)
            await fail(removal.id, refused.code, str(refused), attempts=job.attempt)
            return
    completed_at = datetime.now(UTC)
    async with atomic():
        updated = await RelationshipRemoval.filter(
            id=removal.id, status=RemovalStatus.PENDING
        ).update(
            status=RemovalStatus.COMPLETED,
            completed_at=completed_at,
            delegated_admin_revoked=revoke or removal.grant_id is None,
            attempts=job.attempt,
            last_error=None,
        )
        if not updated:
            return  # another run completed it meanwhile
        if removal.grant_id is not None:
            # Revoked, or replaced by the newer grant: either way no longer the live one.
            await delegated_admin.finish_revoking(removal.grant_id, at=completed_at)
        if not revoke and removal.grant_id is not None:
            return
        await audit.record(
            Actor.system(partner),
            partner_id=partner.id,
            action=AuditAction.DELEGATED_ADMIN_REVOKED,
            customer_tenant_id=removal.customer_tenant_id,
            details={
                "removalId": str(removal.id),
                "delegatedAdminGrantId": str(removal.grant_id) if removal.grant_id else None,
                "attempts": job.attempt,
            },
        )
        await webhooks.notify(
            [partner.id],
            WebhookEventType.DAP_ADMIN_RELATIONSHIP_TERMINATED,
            {"removalId": str(removal.id), "customerTenantId": str(removal.customer_tenant_id)},
            occurred_at=completed_at,
        )
        await publishing.after_commit(
            [partner.id],
            RelationshipChanged(
                kind=RelationshipChange.DELEGATED_ADMIN_REVOKED,
                customer_tenant_id=removal.customer_tenant_id,
                occurred_at=completed_at,
                removal_id=removal.id,
                removal_status=RemovalStatus.COMPLETED.value,
                delegated_admin_revoked=True,
                completed_at=completed_at,
            ),
        )


async def record_failure(job: JobContext, args: RevokeDelegatedAdmin, failure: Failure) -> None:
    if failure.final:
        code = RemovalErrorCode.PARTNER_CENTER_UNAVAILABLE
        await fail(args.removal_id, code, failure.error, attempts=job.attempt)
        return
    await RelationshipRemoval.filter(id=args.removal_id, status=RemovalStatus.PENDING).update(
        attempts=job.attempt, last_error=failure.error
    )


REVOKE_DELEGATED_ADMIN = Job(
    "revoke_delegated_admin", RevokeDelegatedAdmin, complete, record_failure
)
