"""Reseller relationships: established by an acceptance, locked by whatever depends
on one (an order, a removal), removed after an attestation."""

from datetime import datetime
from uuid import UUID

from api.errors import UserErrorCode, UserInputError, not_found
from api.partners.models import Partner, PartnerKind
from api.relationships.models import AcquisitionChannel, Relationship, RelationshipType


async def locked(partner_id: UUID, customer_id: UUID) -> Relationship | None:
    """The partner's relationship record with the customer, locked until the current
    transaction ends: a concurrent removal, order or acceptance waits for it."""
    return (
        await Relationship.filter(partner_id=partner_id, customer_id=customer_id)
        .select_for_update()
        .first()
    )


async def lock_reseller(partner: Partner, customer_id: UUID, *, none_message: str) -> Relationship:
    """The partner's reseller relationship with the customer, locked, or the user error
    saying why there is none."""
    relationship = await locked(partner.id, customer_id)
    if relationship is None:
        raise not_found(["customer_id"], "No such customer in your list.")
    if relationship.type is not RelationshipType.RESELLER:
        raise UserInputError(UserErrorCode.NO_RESELLER_RELATIONSHIP, none_message, ["customer_id"])
    return relationship


async def holds_reseller(partner_id: UUID, customer_id: UUID) -> bool:
    """Whether the partner holds a reseller relationship with the customer (locked)."""
    relationship = await locked(partner_id, customer_id)
    return relationship is not None and relationship.type is RelationshipType.RESELLER


async def establish(
    partner_id: UUID,
    customer_id: UUID,
    *,
    channel: AcquisitionChannel | None,
    indirect_provider_id: UUID | None,
    at: datetime,
) -> Relationship:
    """Makes the partner the customer's reseller; a known customer's record is promoted,
    an existing reseller relationship keeps its history."""
    relationship = await locked(partner_id, customer_id)
    if relationship is None:
        return await Relationship.create(
            partner_id=partner_id,
            customer_id=customer_id,
            type=RelationshipType.RESELLER,
            channel=channel,
            established_at=at,
            indirect_provider_id=indirect_provider_id,
        )
    if relationship.type is not RelationshipType.RESELLER:
        relationship.type = RelationshipType.RESELLER
        relationship.channel = channel  # type: ignore[assignment]  # a nullable column
        relationship.established_at = at
        relationship.indirect_provider_id = indirect_provider_id
        await relationship.save()
    elif relationship.indirect_provider_id is None and indirect_provider_id is not None:
        # Already resold, now also through this provider: record the tier link.
        relationship.indirect_provider_id = indirect_provider_id
        await relationship.save(update_fields=["indirect_provider_id"])
    return relationship


def can_transact(partner: Partner, relationship: Relationship) -> bool:
    """Whether an order the partner places for itself would be accepted: an indirect
    reseller never submits orders itself (docs/behaviour.md, "Orders")."""
    return (
        partner.kind is not PartnerKind.INDIRECT_RESELLER
        and relationship.type is RelationshipType.RESELLER
    )
