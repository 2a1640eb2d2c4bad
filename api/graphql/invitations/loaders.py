from collections.abc import Sequence

from tortoise.expressions import Q

from api.graphql.customers.loaders import PartnerCustomer, group_by_partner_customer
from api.invitations.models import Invitation
from api.invitations.queries import NEWEST_FIRST


async def invitations_by_customer(keys: Sequence[PartnerCustomer]) -> list[list[Invitation]]:
    """A customer's invitations that each partner can see (as inviter or named
    provider), newest first, for a whole page of customers in one query."""
    partners = {partner for partner, _ in keys}
    rows = await Invitation.filter(
        Q(partner_id__in=partners) | Q(indirect_provider_id__in=partners),
        customer_id__in={customer for _, customer in keys},
    ).order_by(*NEWEST_FIRST.order_by)
    return group_by_partner_customer(
        keys,
        rows,
        customer_of=lambda row: row.customer_id,
        partners_of=lambda row: (row.partner_id, row.indirect_provider_id),
    )
