"""A partner's customer list. Every read of customers goes through
`visible_relationships`, the one place where tenant scoping is applied."""

from uuid import UUID

from tortoise.queryset import QuerySet

from api.customers.models import Relationship, RelationshipType, search_key
from api.errors import UserErrorCode, UserInputError
from api.pagination import Ordering, SortKey, parse_uuid
from api.partners.models import Partner, PartnerKind

MAX_SEARCH_LENGTH = 200

# Alphabetical, with the customer id to break ties between equal names.
CUSTOMER_ORDER: Ordering[Relationship] = Ordering(
    keys=(SortKey("customer__company_name"), SortKey("customer__id", parse=parse_uuid)),
    values=lambda row: (row.customer.company_name, row.customer.id),
)


def visible_relationships(partner: Partner) -> QuerySet[Relationship]:
    return Relationship.filter(partner_id=partner.id).select_related("customer")


def search_customers(partner: Partner, search: str | None) -> QuerySet[Relationship]:
    query = visible_relationships(partner)
    if search:
        query = query.filter(customer__search_text__contains=search_key(search))
    return query


async def get_relationship(partner: Partner, customer_id: UUID) -> Relationship | None:
    return await visible_relationships(partner).get_or_none(customer_id=customer_id)


async def lock_reseller_relationship(
    partner: Partner, customer_id: UUID | None, *, none_message: str
) -> Relationship:
    """The partner's reseller relationship with the customer, locked until the current
    transaction ends (a concurrent removal, order or acceptance waits for it), or the
    user error saying why there is none."""
    relationship = (
        await Relationship.filter(partner_id=partner.id, customer_id=customer_id)
        .select_for_update()
        .first()
        if customer_id
        else None
    )
    if relationship is None:
        raise UserInputError(
            UserErrorCode.NOT_FOUND, "No such customer in your list.", ["customerId"]
        )
    if relationship.type is not RelationshipType.RESELLER:
        raise UserInputError(UserErrorCode.NO_RESELLER_RELATIONSHIP, none_message, ["customerId"])
    return relationship


def can_transact(partner: Partner, relationship: Relationship) -> bool:
    """Whether an order the partner places for itself would be accepted (DESIGN.md §6):
    an indirect reseller never submits orders itself."""
    return (
        partner.kind is not PartnerKind.INDIRECT_RESELLER
        and relationship.type is RelationshipType.RESELLER
    )
