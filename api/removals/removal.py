"""Removing a reseller relationship (docs/behaviour.md, "Removing a reseller relationship").

The request does everything that must be true at once — the customer leaves the
list, the removal is recorded, DAP goes to REVOKING, the attestation is audited —
and leaves the revocation itself to a job (`revocation.py`) through the outbox.
Nothing is ever sent to the customer.
"""

from datetime import datetime
from typing import Any
from uuid import UUID

from tortoise.queryset import QuerySet

from api import validation
from api.actors import Actor
from api.audit import log as audit
from api.audit.models import AuditAction
from api.customers.models import Customer
from api.db.keyset import Ordering, newest_first
from api.db.transaction import atomic
from api.errors import UserErrorCode, UserInputError
from api.events import publishing
from api.events.models import RelationshipChange, RelationshipChanged
from api.partners.models import Partner
from api.relationships import delegated_admin, reseller
from api.relationships.models import Relationship
from api.removals.attestation import Attestation
from api.removals.models import RelationshipRemoval, RemovalStatus
from api.removals.revocation import REVOKE_DELEGATED_ADMIN, RevokeDelegatedAdmin
from api.webhooks import delivery as webhooks
from api.webhooks.models import WebhookEventType

MAX_REASON_LENGTH = 1000

NEWEST_FIRST: Ordering[RelationshipRemoval] = newest_first("relationshipRemovals", "requested_at")


def removals_of(partner: Partner) -> QuerySet[RelationshipRemoval]:
    return RelationshipRemoval.filter(partner_id=partner.id)


def require_attestation(accepted: bool) -> None:
    if not accepted:
        raise UserInputError(
            UserErrorCode.ATTESTATION_REQUIRED,
            "Accept the attestation to remove the relationship.",
            ["attestation_accepted"],
        )


def attested(attestation: Attestation) -> dict[str, object]:
    """The attestation accepted, as the audit log keeps it."""
    return {
        "accepted": True,
        "version": attestation.version,
        "language": attestation.language,
        "text": attestation.text,
    }


def as_removed(relationship: Relationship) -> dict[str, Any]:
    """The removal's copy of the relationship record it deletes, to put the record back
    as it was should Partner Center not end the relationship."""
    return {
        "relationship_channel": relationship.channel,
        "relationship_established_at": relationship.established_at,
        "relationship_indirect_provider_id": relationship.indirect_provider_id,
    }


async def send_to_partner_center(removal: RelationshipRemoval, *, at: datetime) -> None:
    """After the commit: the job that ends the relationship in Partner Center, and the
    REMOVED event for the removing partner."""
    await REVOKE_DELEGATED_ADMIN.enqueue(RevokeDelegatedAdmin(removal_id=removal.id))
    await publishing.after_commit(
        [removal.partner_id],
        RelationshipChanged(
            kind=RelationshipChange.REMOVED,
            customer_tenant_id=removal.customer_tenant_id,
            occurred_at=at,
            removal_id=removal.id,
            removal_status=RemovalStatus.PENDING.value,
            delegated_admin_revoked=False,
        ),
    )


async def remove(
    actor: Actor,
    customer_id: UUID,
    *,
    attestation: Attestation,
    attestation_accepted: bool,
    reason: str | None,
) -> RelationshipRemoval:
    """`attestation`: the one the partner was shown and accepted."""
    partner = actor.acting_partner
    require_attestation(attestation_accepted)
    reason = validation.optional_text(reason, ["reason"], max_length=MAX_REASON_LENGTH)
    async with atomic():
        relationship = await reseller.lock_reseller(
            partner,
            customer_id,
            none_message="There is no reseller relationship with this customer to remove.",
        )
        customer = await Customer.get(id=relationship.customer_id)
        await relationship.delete()
        grant = await delegated_admin.start_revoking(partner.id, customer.id)
        removal = await RelationshipRemoval.create(
            partner_id=partner.id,
            customer_id=customer.id,
            customer_tenant_id=customer.tenant_id,
            customer_name=customer.company_name,
            status=RemovalStatus.PENDING,
            reason=reason,
            attestation_version=attestation.version,
            attestation_language=attestation.language,
            requested_by=actor.user_id,
            grant=grant,
            **as_removed(relationship),
        )
        await audit.record(
            actor,
            partner_id=partner.id,
            action=AuditAction.RELATIONSHIP_REMOVED,
            customer_tenant_id=customer.tenant_id,
            details={
                "removalId": str(removal.id),
                "customerId": str(customer.id),
                "reason": reason,
                "attestation": attested(attestation),
                "delegatedAdminGrantId": str(grant.id) if grant else None,
            },
        )
        await send_to_partner_center(removal, at=removal.requested_at)
        await webhooks.notify(
            [partner.id],
            WebhookEventType.RESELLER_RELATIONSHIP_REMOVED,
            {
                "removalId": str(removal.id),
                "customerTenantId": str(customer.tenant_id),
                "customerName": customer.company_name,
                "requestedBy": actor.user_id,
            },
            occurred_at=removal.requested_at,
        )
    return removal
