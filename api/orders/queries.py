"""Reading orders: the ones a partner placed or that were placed for it."""

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from api.db.keyset import Ordering, newest_first
from api.orders.models import Order
from api.partners.models import Partner

NEWEST_FIRST: Ordering[Order] = newest_first("orders", "created_at")


def visible_orders(partner: Partner) -> QuerySet[Order]:
    """Orders the partner placed, and two-tier orders placed for it."""
    return Order.filter(Q(placed_by_id=partner.id) | Q(on_behalf_of_id=partner.id))
