"""Removing a reseller relationship (DESIGN.md §5).

The request does everything that must be true at once — the customer leaves the
list, the removal is recorded, DAP goes to REVOKING, the attestation is audited —
and leaves the revocation itself to the worker (`workers/revoke_delegated_admin.py`)
through the outbox. Nothing is ever sent to the customer.
"""

from uuid import UUID

from tortoise.queryset import QuerySet

from api import events, validation
from api.audit import service as audit
from api.audit.models import AuditAction
from api.context import Context
from api.customers.models import (
    Customer,
    DelegatedAdminGrant,
    DelegatedAdminStatus,
)
from api.customers.service import lock_reseller_relationship
from api.db import outbox
from api.db.transaction import atomic
from api.errors import UserErrorCode, UserInputError
from api.pagination import Ordering, newest_first
from api.partners.models import Partner
from api.removals.models import RelationshipRemoval, RemovalStatus

REVOKE_DELEGATED_ADMIN = "revoke_delegated_admin"
MAX_REASON_LENGTH = 1000

ATTESTATION_VERSION = "2026-11-01"
ATTESTATION_TEXT = (
    "I represent that the decision to remove this reseller relationship was made in good "
    "faith for a legitimate business purpose, and that I am authorised to make it on behalf "
    "of my organisation."
)
LEGAL_NOTICE = (
    "No email or notice of any kind was sent to the customer or to any other partner. "
    "Your contract with the customer may require you to give notice of termination; "
    "Partner Connect does not generate one."
)

NEWEST_FIRST: Ordering[RelationshipRemoval] = newest_first("requested_at")


def removals_of(partner: Partner) -> QuerySet[RelationshipRemoval]:
    return RelationshipRemoval.filter(partner_id=partner.id)


async def remove(
    context: Context, *, customer_id: str, attestation_accepted: bool, reason: str | None
) -> RelationshipRemoval:
    services, partner, principal = context.services, context.viewer_partner, context.viewer
    if not attestation_accepted:
        raise UserInputError(
            UserErrorCode.ATTESTATION_REQUIRED,
            "Accept the attestation to remove the relationship.",
            ["attestationAccepted"],
        )
    reason = validation.optional_text(reason, ["reason"], max_length=MAX_REASON_LENGTH)
    pk = validation.node_id(customer_id, "Customer", ["customerId"])
    async with atomic(services.redis, services.settings):
        relationship = await lock_reseller_relationship(
            partner,
            pk,
            none_message="There is no reseller relationship with this customer to remove.",
        )
        customer = await Customer.get(id=relationship.customer_id)
        await relationship.delete()
        grant = await _active_grant(partner.id, customer.id)
        if grant is not None:
            grant.status = DelegatedAdminStatus.REVOKING
            await grant.save()
        removal = await RelationshipRemoval.create(
            partner_id=partner.id,
            customer_id=customer.id,
            customer_tenant_id=customer.tenant_id,
            customer_name=customer.company_name,
            status=RemovalStatus.PENDING,
            reason=reason,
            requested_by=principal.user_id,
            grant=grant,
        )
        await audit.record(
            partner_id=partner.id,
            action=AuditAction.RELATIONSHIP_REMOVED,
            actor_user_id=principal.user_id,
            actor_tenant_id=principal.tenant_id,
            customer_tenant_id=customer.tenant_id,
            details={
                "removalId": str(removal.id),
                "customerId": str(customer.id),
                "reason": reason,
                "attestation": {
                    "accepted": True,
                    "version": ATTESTATION_VERSION,
                    "text": ATTESTATION_TEXT,
                },
                "delegatedAdminGrantId": str(grant.id) if grant else None,
            },
        )
        await outbox.add(REVOKE_DELEGATED_ADMIN, removal_id=str(removal.id))
        await events.queue(
            [partner.id],
            events.relationship_event(
                "REMOVED", customer.tenant_id, removal.requested_at.isoformat(), removal.id
            ),
        )
    return removal


async def _active_grant(partner_id: UUID, customer_id: UUID) -> DelegatedAdminGrant | None:
    return (
        await DelegatedAdminGrant.filter(
            partner_id=partner_id, customer_id=customer_id, status=DelegatedAdminStatus.ACTIVE
        )
        .select_for_update()
        .order_by("-granted_at")
        .first()
    )
