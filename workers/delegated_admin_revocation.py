"""Completes a removal: revokes the partner's DAP grant and marks the removal COMPLETED.

Idempotent: the revocation call is idempotent, and the database changes happen in
one transaction guarded by the removal's status, so a second run — or a run after
a crash between the call and the commit — ends in the same single COMPLETED state.
"""

from datetime import UTC, datetime

from api import events
from api.audit import service as audit
from api.audit.models import AuditAction
from api.customers.models import DelegatedAdminGrant, DelegatedAdminStatus
from api.db.transaction import atomic
from api.partners.models import Partner
from api.removals import delegated_admin
from api.removals.models import RelationshipRemoval, RemovalStatus
from workers.jobs import SYSTEM_ACTOR, JobContext, describe


async def _superseded(removal: RelationshipRemoval) -> bool:
    """Whether the customer granted DAP again (a later acceptance) while this removal
    waited: revoking now would take away the new grant, which the call cannot tell
    apart from the old one."""
    return await DelegatedAdminGrant.filter(
        partner_id=removal.partner_id,
        customer_id=removal.customer_id,
        status=DelegatedAdminStatus.ACTIVE,
    ).exists()


async def revoke_delegated_admin(job: JobContext, removal_id: str) -> None:
    removal = await RelationshipRemoval.get_or_none(id=removal_id)
    if removal is None or removal.status is RemovalStatus.COMPLETED:
        return
    partner = await Partner.get(id=removal.partner_id)
    revoke = removal.grant_id is not None and not await _superseded(removal)
    if revoke:
        await delegated_admin.revoke(
            job.settings,
            partner_tenant_id=partner.tenant_id,
            customer_tenant_id=removal.customer_tenant_id,
        )
    completed_at = datetime.now(UTC)
    async with atomic(job.redis, job.settings):
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
            await DelegatedAdminGrant.filter(
                id=removal.grant_id, status=DelegatedAdminStatus.REVOKING
            ).update(status=DelegatedAdminStatus.REVOKED, revoked_at=completed_at)
        if not revoke and removal.grant_id is not None:
            return
        await audit.record(
            partner_id=partner.id,
            action=AuditAction.DELEGATED_ADMIN_REVOKED,
            actor_user_id=SYSTEM_ACTOR,
            actor_tenant_id=partner.tenant_id,
            customer_tenant_id=removal.customer_tenant_id,
            details={
                "removalId": str(removal.id),
                "delegatedAdminGrantId": str(removal.grant_id) if removal.grant_id else None,
                "attempts": job.attempt,
            },
        )
        await events.queue(
            [partner.id],
            events.relationship_event(
                "DELEGATED_ADMIN_REVOKED",
                removal.customer_tenant_id,
                completed_at.isoformat(),
                removal.id,
            ),
        )


async def record_revocation_failure(
    job: JobContext, error: Exception, *, final: bool, removal_id: str
) -> None:
    updates: dict[str, object] = {
        "attempts": job.attempt,
        "last_error": describe(error),
    }
    if final:
        updates["status"] = RemovalStatus.FAILED
    await RelationshipRemoval.filter(id=removal_id, status=RemovalStatus.PENDING).update(**updates)
