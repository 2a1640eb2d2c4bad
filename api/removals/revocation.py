"""Completes a removal: revokes the partner's DAP in Partner Center and marks the
removal COMPLETED (or FAILED after the last try) — a job, run after `removal.remove`
commits.

Idempotent: the revocation call is idempotent, and the database changes happen in
one transaction guarded by the removal's status, so a second run — or a run after
a crash between the call and the commit — ends in the same single COMPLETED state.
"""

from datetime import UTC, datetime
from uuid import UUID

from api.actors import Actor
from api.audit import log as audit
from api.audit.models import AuditAction
from api.db.transaction import atomic
from api.events import publishing
from api.events.models import RelationshipChange, RelationshipChanged
from api.integrations import partner_center
from api.jobs import Failure, Job, JobArgs, JobContext
from api.partners.models import Partner
from api.relationships import delegated_admin
from api.removals.models import RelationshipRemoval, RemovalStatus
from api.webhooks import delivery as webhooks
from api.webhooks.models import WebhookEventType


class RevokeDelegatedAdmin(JobArgs):
    removal_id: UUID


async def _superseded(removal: RelationshipRemoval) -> bool:
    """Whether the customer granted DAP again (a later acceptance) while this removal
    waited: revoking now would take away the new grant, which the call cannot tell
    apart from the old one."""
    return await delegated_admin.is_active(removal.partner_id, removal.customer_id)


async def complete(job: JobContext, args: RevokeDelegatedAdmin) -> None:
    removal = await RelationshipRemoval.get_or_none(id=args.removal_id)
    if removal is None or removal.status is RemovalStatus.COMPLETED:
        return
    partner = await Partner.get(id=removal.partner_id)
    revoke = removal.grant_id is not None and not await _superseded(removal)
    if revoke:
        await partner_center.revoke(
            job.settings,
            partner_tenant_id=partner.tenant_id,
            customer_tenant_id=removal.customer_tenant_id,
        )
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
