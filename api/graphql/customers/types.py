from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Self, TypeVar, cast
from uuid import UUID

import strawberry
from strawberry import relay
from strawberry.types.base import get_object_definition
from strawberry.utils.str_converters import to_camel_case
from tortoise.models import Model
from tortoise.queryset import QuerySet

from api.customers import models as customer_models
from api.db.keyset import Ordering
from api.graphql.context import BatchLoad, Info
from api.graphql.customers import loaders
from api.graphql.invitations.loaders import invitations_by_customer
from api.graphql.node import ScopedNode
from api.graphql.orders.loaders import orders_by_customer
from api.graphql.pagination import Connection, paginate_loaded
from api.graphql.partners.types import PartnerNode, load_partner
from api.graphql.permissions import field_capability, guard, readable_with
from api.graphql.removals.loaders import failed_removals
from api.graphql.selection import selected
from api.invitations.queries import NEWEST_FIRST as INVITATIONS_NEWEST_FIRST
from api.orders.queries import NEWEST_FIRST as ORDERS_NEWEST_FIRST
from api.partners.models import Partner
from api.permissions import Capability, allows
from api.relationships import models
from api.relationships.customer_list import visible_relationships
from api.relationships.reseller import can_transact

# A customer's own lists: their cursors are theirs, not the root lists'.
CUSTOMER_INVITATIONS = INVITATIONS_NEWEST_FIRST.named("Customer.invitations")
CUSTOMER_ORDERS = ORDERS_NEWEST_FIRST.named("Customer.orders")

if TYPE_CHECKING:
    # Invitations, orders and removals name their customer: these refer back by name only.
    from api.graphql.invitations.types import InvitationNode
    from api.graphql.orders.types import OrderNode
    from api.graphql.removals.types import RelationshipRemovalNode

RowT = TypeVar("RowT")
NodeT = TypeVar("NodeT")

RelationshipToPartner = models.RelationshipType
strawberry.enum(models.RelationshipType, name="RelationshipToPartner")
AcquisitionChannel = models.AcquisitionChannel
strawberry.enum(models.AcquisitionChannel)
DelegatedAdminStatus = models.DelegatedAdminStatus
strawberry.enum(models.DelegatedAdminStatus)
GdapStatus = models.GdapStatus
strawberry.enum(models.GdapStatus)


@readable_with(Capability.VIEW_BILLING_PROFILE)
@strawberry.type
class Address:
    line1: str | None
    line2: str | None
    city: str | None
    region: str | None
    postal_code: str | None
    country: str


@readable_with(Capability.VIEW_BILLING_PROFILE)
@strawberry.type
class BillingProfile:
    contact_name: str | None
    contact_email: str
    phone: str | None
    culture: str | None
    language: str | None

    @strawberry.field
    def address(self, row: strawberry.Parent[customer_models.BillingProfile]) -> Address | None:
        return cast(Address, row)  # the address is columns of the same row


@readable_with(Capability.VIEW_ADMIN_RELATIONSHIPS)
@strawberry.type
class DelegatedAdminGrant:
    status: DelegatedAdminStatus
    granted_at: datetime
    revoked_at: datetime | None


@strawberry.type(name="GdapRelationship")
class GdapRelationshipNode(ScopedNode):
    row_type = models.GdapRelationship
    node_capability: ClassVar[Capability] = Capability.VIEW_ADMIN_RELATIONSHIPS
    id: relay.NodeID[str]
    display_name: str
    status: GdapStatus
    roles: list[str] = strawberry.field(
        description="Entra built-in role names granted by the relationship (a role "
        "Partner Connect has no name for shows as its Entra role definition id)."
    )
    created_at: datetime
    ends_at: datetime
    auto_extend_duration: str | None = strawberry.field(
        description="How long Microsoft extends the relationship by when it reaches its "
        "end (an ISO 8601 duration, e.g. P180D); null when it ends then."
    )

    @classmethod
    def visible(cls, partner: Partner) -> QuerySet[Any]:
        return models.GdapRelationship.filter(partner_id=partner.id)


async def load_gdap_relationships(
    info: Info, key: loaders.PartnerCustomer
) -> list[GdapRelationshipNode]:
    rows = await info.context.loader(loaders.gdap_relationships).load(key)
    return [GdapRelationshipNode.of(row) for row in rows]


@dataclass(frozen=True, slots=True)
class CustomerView:
    """A customer as the viewer's partner sees it, made flat from the partner's
    relationship record and its customer: strawberry reads each of its fields as an
    attribute, its cheapest way of resolving one (a resolver costs about twice)."""

    relationship: models.Relationship
    partner_id: UUID
    customer_id: UUID
    tenant_id: str
    company_name: str
    default_domain: str
    relationship_to_partner: models.RelationshipType
    relationship_established_at: datetime | None
    acquisition_channel: models.AcquisitionChannel | None
    review_reason: str | None

    @classmethod
    def of(cls, row: models.Relationship) -> "CustomerView":
        return cls(
            relationship=row,
            partner_id=row.partner_id,
            customer_id=row.customer_id,
            tenant_id=str(row.customer.tenant_id),
            company_name=row.customer.company_name,
            default_domain=row.customer.default_domain,
            relationship_to_partner=row.type,
            relationship_established_at=row.established_at,
            acquisition_channel=row.channel,
            review_reason=row.review_reason,
        )


View = strawberry.Parent[CustomerView]


def _key(view: CustomerView) -> loaders.PartnerCustomer:
    return (view.partner_id, view.customer_id)


@strawberry.type(name="Customer")
class CustomerNode(ScopedNode):
    """A customer as the viewer's partner sees it: its rows are the partner's
    relationship records with the customer joined, each made a `CustomerView`."""

    row_type = CustomerView
    node_capability: ClassVar[Capability] = Capability.VIEW_CUSTOMERS
    node_key: ClassVar[str] = "customer_id"
    id: relay.NodeID[str]
    tenant_id: str = strawberry.field(description="The customer's directory tenant id.")
    company_name: str
    default_domain: str
    relationship_to_partner: RelationshipToPartner
    relationship_established_at: datetime | None
    acquisition_channel: AcquisitionChannel | None
    review_reason: str | None = strawberry.field(
        description="Why a person should look at this customer — say, Partner Center no "
        "longer lists it; null when nothing needs review."
    )

    @classmethod
    def of(cls, row: Model) -> Self:
        return cast(Self, CustomerView.of(cast(models.Relationship, row)))

    @classmethod
    def visible(cls, partner: Partner) -> QuerySet[Any]:
        return visible_relationships(partner)

    @strawberry.field(
        description="For an indirect reseller: the indirect provider that also holds a "
        "reseller relationship with this customer."
    )
    async def indirect_provider(self, info: Info, row: View) -> PartnerNode | None:
        provider_id = row.relationship.indirect_provider_id
        if (
            provider_id is None
            or row.relationship_to_partner is not models.RelationshipType.RESELLER
        ):
            return None
        provider_relationship = await info.context.loader(loaders.reseller_relationships).load(
            (provider_id, row.customer_id)
        )
        if provider_relationship is None:
            return None
        return await load_partner(info, provider_id)

    @strawberry.field(
        description="For an indirect provider: the indirect reseller it serves this customer with."
    )
    async def indirect_reseller(self, info: Info, row: View) -> PartnerNode | None:
        if row.relationship_to_partner is not models.RelationshipType.RESELLER:
            return None
        reseller_relationship = await info.context.loader(
            loaders.reseller_relationships_via_provider
        ).load(_key(row))
        if reseller_relationship is None:
            return None
        return await load_partner(info, reseller_relationship.partner_id)

    @strawberry.field(
        description="Whether an order placed now by the viewer's partner for this customer "
        "would be accepted."
    )
    def can_transact(self, info: Info, row: View) -> bool:
        return can_transact(info.context.viewer_partner, row.relationship)

    # Synchronous, as are their loads when the list has made them (`load_page`).
    @strawberry.field(**guard(Capability.VIEW_BILLING_PROFILE))
    def billing_profile(self, info: Info, row: View) -> BillingProfile | None:
        profile = info.context.load_soon(loaders.billing_profiles, row.customer_id)
        return cast(BillingProfile | None, profile)

    @strawberry.field(
        **guard(
            Capability.VIEW_ADMIN_RELATIONSHIPS,
            "{roles}. Null when the viewer's partner holds no grant.",
        )
    )
    def delegated_admin(self, info: Info, row: View) -> DelegatedAdminGrant | None:
        grant = info.context.load_soon(loaders.latest_delegated_admin_grants, _key(row))
        return cast(DelegatedAdminGrant | None, grant)

    @strawberry.field(**guard(Capability.VIEW_ADMIN_RELATIONSHIPS))
    def gdap_relationships(self, info: Info, row: View) -> list[GdapRelationshipNode] | None:
        # Rows are the nodes (see `ScopedNode`).
        rows = info.context.load_soon(loaders.gdap_relationships, _key(row))
        return cast(list[GdapRelationshipNode] | None, rows)

    @strawberry.field(**guard(Capability.MANAGE_INVITATIONS))
    async def invitations(
        self, info: Info, row: View, first: int | None = 20, after: str | None = None
    ) -> (
        Connection[Annotated["InvitationNode", strawberry.lazy("api.graphql.invitations.types")]]
        | None
    ):
        return await _nested_page(
            info, row, invitations_by_customer, CUSTOMER_INVITATIONS, first, after
        )

    @strawberry.field(
        **guard(
            Capability.PLACE_ORDERS,
            "Orders the viewer's partner placed for this customer, or that were placed "
            "for it, newest first. {roles}.",
        )
    )
    async def orders(
        self, info: Info, row: View, first: int | None = 20, after: str | None = None
    ) -> Connection[Annotated["OrderNode", strawberry.lazy("api.graphql.orders.types")]] | None:
        return await _nested_page(info, row, orders_by_customer, CUSTOMER_ORDERS, first, after)

    @strawberry.field(
        **guard(
            Capability.MANAGE_REMOVALS,
            "The removal of this relationship that failed in Partner Center, which put the "
            "customer back in the list; null when there is none. retryRemoval asks again. "
            "{roles}.",
        )
    )
    async def failed_removal(
        self, info: Info, row: View
    ) -> Annotated["RelationshipRemovalNode", strawberry.lazy("api.graphql.removals.types")] | None:
        removal = await info.context.loader(failed_removals).load(row.relationship.id)
        return cast("RelationshipRemovalNode | None", removal)  # rows are the nodes


# A customer's fields that are loaded per customer (python name → batch load, its key):
# a page of customers loads them for all its customers before they resolve, when the
# query asks for them and the field's own guard lets the viewer read them.
_PER_CUSTOMER_LOADS: dict[str, tuple[BatchLoad[Any, Any], Callable[[CustomerView], Any]]] = {
    "billing_profile": (loaders.billing_profiles, lambda row: row.customer_id),
    "delegated_admin": (loaders.latest_delegated_admin_grants, _key),
    "gdap_relationships": (loaders.gdap_relationships, _key),
}


async def load_page(info: Info, nodes: Sequence["CustomerNode"]) -> None:
    rows = cast(Sequence[CustomerView], nodes)  # the nodes are views (`CustomerNode.of`)
    if not rows:
        return
    wanted = selected(info, "edges", "node")
    for customer_field in get_object_definition(CustomerNode, strict=True).fields:
        load = _PER_CUSTOMER_LOADS.get(customer_field.python_name)
        if load is None or to_camel_case(customer_field.python_name) not in wanted:
            continue
        capability = field_capability(customer_field.extensions)
        if capability is None or allows(info.context.actor, capability):
            batch_load, key = load
            await info.context.load_all(batch_load, [key(row) for row in rows])


async def _nested_page(
    info: Info,
    row: CustomerView,
    batch_load: BatchLoad[loaders.PartnerCustomer, list[RowT]],
    ordering: Ordering[RowT],
    first: int | None,
    after: str | None,
) -> Connection[Any]:
    """A page of a list nested in each customer: one query loads it for the whole
    page of customers, and each customer's page is cut from its rows."""
    rows = await info.context.loader(batch_load).load(_key(row))
    page_size = 20 if first is None else first
    return paginate_loaded(rows, ordering, first=page_size, after=after, to_node=_row_as_node)


def _row_as_node(row: Any) -> Any:
    """Rows are the nodes (see `ScopedNode`)."""
    return row
