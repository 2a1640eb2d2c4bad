"""Completes a removal in Partner Center — revokes the partner's DAP, then ends the
reseller relationship — and marks the removal COMPLETED (or FAILED after the last
try): a job, run after `removal.remove` commits.

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
from api.removals.models import RelationshipRemoval, RemovalStatus
from api.webhooks import delivery as webhooks
from api.webhooks.models import WebhookEventType

logger = logging.getLogger("api.removals")


class RevokeDelegatedAdmin(JobArgs):
    removal_id: UUID


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
        raise PartnerCenterError(
            f"Partner Center acts for partner tenant {client.tenant_id}, not for "
            f"{partner.tenant_id}: removal not sent"
        )
    customer = removal.customer_tenant_id
    if removal.grant_id is not None:
        await client.remove_delegated_admin(customer, _call(removal, "remove-delegated-admin"))
    await client.remove_reseller_relationship(
        customer, _call(removal, "remove-reseller-relationship")
    )


def _call(removal: RelationshipRemoval, name: str) -> Call:
    # One correlation id for the removal's calls; one request id per call, the same
    # on every retry of it.
    return Call(correlation_id=removal.id, request_id=partner_center.request_id(removal.id, name))


async def complete(job: JobContext, args: RevokeDelegatedAdmin) -> None:
    removal = await RelationshipRemoval.get_or_none(id=args.removal_id)
    if removal is None or removal.status is RemovalStatus.COMPLETED:
        return
    partner = await Partner.get(id=removal.partner_id)
    superseded = await _superseded(removal)
    revoke = removal.grant_id is not None and not superseded
    if not superseded:
        await _remove_in_partner_center(job, partner, removal)
    completed_at = datetime.now(UTC)
    async with atomic():
        updated = await RelationshipRemoval.filter(
            id=removal.id, status__in=[RemovalStatus.PENDING, RemovalStatus.FAILED]
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
    updates: dict[str, object] = {"attempts": job.attempt, "last_error": failure.error}
    if failure.final:
        updates["status"] = RemovalStatus.FAILED
    await RelationshipRemoval.filter(id=args.removal_id, status=RemovalStatus.PENDING).update(
        **updates
    )


REVOKE_DELEGATED_ADMIN = Job(
    "revoke_delegated_admin", RevokeDelegatedAdmin, complete, record_failure
)
