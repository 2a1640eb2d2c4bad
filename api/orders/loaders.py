from collections import defaultdict
from collections.abc import Sequence
from uuid import UUID

from tortoise.expressions import Q

from api.customers.loaders import PartnerCustomer
from api.orders.models import Order
from api.orders.service import NEWEST_FIRST


async def orders_by_customer(keys: Sequence[PartnerCustomer]) -> list[list[Order]]:
    """Each partner's orders for each customer (placed by it or for it), newest first."""
    partners: set[UUID] = {partner for partner, _ in keys}
    customers: set[UUID] = {customer for _, customer in keys}
    rows = await Order.filter(
        Q(placed_by_id__in=partners) | Q(on_behalf_of_id__in=partners),
        customer_id__in=customers,
    ).order_by(*NEWEST_FIRST.order_by)
    found: dict[PartnerCustomer, list[Order]] = defaultdict(list)
    for row in rows:
        for partner in partners.intersection((row.placed_by_id, row.on_behalf_of_id)):
            found[(partner, row.customer_id)].append(row)
    return [found.get(key, []) for key in keys]
