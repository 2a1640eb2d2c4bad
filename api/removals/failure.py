"""A removal Partner Center did not carry out ends FAILED, and the customer comes back
into the partner's list as it was — Partner Center still holds the relationship —
marked with the removal and why (`restored_relationship`, `error_code`), until the
partner tries again (`retry.py`)."""

from datetime import UTC, datetime
from uuid import UUID

from api.actors import Actor
from api.audit import log as audit
from api.audit.models import AuditAction
from api.db.transaction import atomic
from api.events import publishing
from api.events.models import RelationshipChange, RelationshipChanged
from api.partners.models import Partner
from api.relationships import reseller
from api.removals.models import RelationshipRemoval, RemovalErrorCode, RemovalStatus


async def fail(removal_id: UUID, code: RemovalErrorCode, detail: str, *, attempts: int) -> None:
    """`detail`: what went wrong as the worker saw it (for the log, not for people).
    The DAP grant stays REVOKING: whether Partner Center took DAP away before it
    refused the rest is not known."""
    at = datetime.now(UTC)
    async with atomic():
        removal = (
            await RelationshipRemoval.filter(id=removal_id, status=RemovalStatus.PENDING)
            .select_for_update()
            .first()
        )
        if removal is None:
            return  # completed or failed already, by another run
        relationship = await reseller.establish(
            removal.partner_id,
            removal.customer_id,
            channel=removal.relationship_channel,
            indirect_provider_id=removal.relationship_indirect_provider_id,
            at=removal.relationship_established_at or removal.requested_at,
        )
        await RelationshipRemoval.filter(id=removal.id).update(
            status=RemovalStatus.FAILED,
            error_code=code,
            last_error=detail,
            attempts=attempts,
            restored_relationship_id=relationship.id,
        )
        partner = await Partner.get(id=removal.partner_id)
        await audit.record(
            Actor.system(partner),
            partner_id=partner.id,
            action=AuditAction.RELATIONSHIP_REMOVAL_FAILED,
            customer_tenant_id=removal.customer_tenant_id,
            details={
                "removalId": str(removal.id),
                "error": code.value,
                "detail": detail,
                "attempts": attempts,
            },
        )
        await publishing.after_commit(
            [partner.id],
            RelationshipChanged(
                kind=RelationshipChange.REMOVAL_FAILED,
                customer_tenant_id=removal.customer_tenant_id,
                occurred_at=at,
                removal_id=removal.id,
                removal_status=RemovalStatus.FAILED.value,
                delegated_admin_revoked=False,
            ),
        )
