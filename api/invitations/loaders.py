from collections import defaultdict
from collections.abc import Sequence
from uuid import UUID

from tortoise.expressions import Q

from api.customers.loaders import PartnerCustomer
from api.invitations.models import Invitation
from api.invitations.service import NEWEST_FIRST


async def invitations_by_customer(keys: Sequence[PartnerCustomer]) -> list[list[Invitation]]:
    """A customer's invitations that each partner can see, newest first (one query for
    a whole page of customers; the nested page is cut from these lists)."""
    partners: set[UUID] = {partner for partner, _ in keys}
    customers: set[UUID] = {customer for _, customer in keys}
    rows = await Invitation.filter(
        Q(partner_id__in=partners) | Q(indirect_provider_id__in=partners),
        customer_id__in=customers,
    ).order_by(*NEWEST_FIRST.order_by)
    found: dict[PartnerCustomer, list[Invitation]] = defaultdict(list)
    for row in rows:
        assert row.customer_id is not None
        for partner in partners.intersection((row.partner_id, row.indirect_provider_id)):
            found[(partner, row.customer_id)].append(row)
    return [found.get(key, []) for key in keys]
