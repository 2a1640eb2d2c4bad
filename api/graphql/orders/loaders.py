from collections.abc import Sequence

from tortoise.expressions import Q

from api.graphql.customers.loaders import PartnerCustomer, group_by_partner_customer
from api.orders.models import Order
from api.orders.queries import NEWEST_FIRST


async def orders_by_customer(keys: Sequence[PartnerCustomer]) -> list[list[Order]]:
    """Each partner's orders for each customer (placed by it or for it), newest first,
    for a whole page of customers in one query."""
    partners = {partner for partner, _ in keys}
    rows = await Order.filter(
        Q(placed_by_id__in=partners) | Q(on_behalf_of_id__in=partners),
        customer_id__in={customer for _, customer in keys},
    ).order_by(*NEWEST_FIRST.order_by)
    return group_by_partner_customer(
        keys,
        rows,
        customer_of=lambda row: row.customer_id,
        partners_of=lambda row: (row.placed_by_id, row.on_behalf_of_id),
    )
