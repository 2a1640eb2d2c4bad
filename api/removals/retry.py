"""Asking again for a removal that FAILED (docs/behaviour.md, "A removal that
failed"): the same capability and the same attestation as the first request, and the
same effects — the customer leaves the list again at once and the job asks Partner
Center again, as new requests."""

from datetime import UTC, datetime
from uuid import UUID

from api.actors import Actor
from api.audit import log as audit
from api.audit.models import AuditAction
from api.db.transaction import atomic
from api.errors import UserErrorCode, UserInputError, not_found
from api.relationships import reseller
from api.removals.attestation import Attestation
from api.removals.models import RelationshipRemoval, RemovalStatus
from api.removals.removal import (
    as_removed,
    attested,
    removals_of,
    require_attestation,
    send_to_partner_center,
)


def _conflict(message: str) -> UserInputError:
    return UserInputError(UserErrorCode.CONFLICT, message, ["removal_id"])


async def retry(
    actor: Actor, removal_id: UUID, *, attestation: Attestation, attestation_accepted: bool
) -> RelationshipRemoval:
    partner = actor.acting_partner
    require_attestation(attestation_accepted)
    async with atomic():
        removal = await removals_of(partner).select_for_update().get_or_none(id=removal_id)
        if removal is None:
            raise not_found(["removal_id"], "No such removal.")
        if removal.status is not RemovalStatus.FAILED:
            raise _conflict("Only a removal that failed can be tried again.")
        if (
            await removals_of(partner)
            .filter(customer_id=removal.customer_id, requested_at__gt=removal.requested_at)
            .exists()
        ):
            raise _conflict("This customer's relationship was removed again since.")
        relationship = await reseller.locked(partner.id, removal.customer_id)
        if relationship is not None and relationship.id != removal.restored_relationship_id:
            raise _conflict(
                "The customer accepted a new relationship since: remove that one instead."
            )
        await RelationshipRemoval.filter(id=removal.id).update(
            status=RemovalStatus.PENDING,
            error_code=None,
            last_error=None,
            attempts=0,
            restored_relationship_id=None,
            retries=removal.retries + 1,
            attestation_version=attestation.version,
            attestation_language=attestation.language,
            **(as_removed(relationship) if relationship is not None else {}),
        )
        if relationship is not None:  # the record put back when it failed: out again
            await relationship.delete()
        await removal.refresh_from_db()
        await audit.record(
            actor,
            partner_id=partner.id,
            action=AuditAction.RELATIONSHIP_REMOVAL_RETRIED,
            customer_tenant_id=removal.customer_tenant_id,
            details={
                "removalId": str(removal.id),
                "retries": removal.retries,
                "attestation": attested(attestation),
            },
        )
        await send_to_partner_center(removal, at=datetime.now(UTC))
    return removal
