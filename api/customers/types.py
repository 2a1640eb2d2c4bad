from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Self, TypeVar
from uuid import UUID

import strawberry
from strawberry import relay
from tortoise.queryset import QuerySet

from api.context import BatchLoad, Info
from api.customers import loaders, models, service
from api.node import ScopedNode
from api.pagination import Connection, Ordering, paginate_loaded
from api.partners.models import Partner
from api.partners.types import PartnerNode, load_partner
from api.permissions import Capability, requires

RowT = TypeVar("RowT")
NodeT = TypeVar("NodeT")

if TYPE_CHECKING:
    from api.invitations.types import InvitationNode
    from api.orders.types import OrderNode

RelationshipToPartner = models.RelationshipType
strawberry.enum(models.RelationshipType, name="RelationshipToPartner")
AcquisitionChannel = models.AcquisitionChannel
strawberry.enum(models.AcquisitionChannel)
DelegatedAdminStatus = models.DelegatedAdminStatus
strawberry.enum(models.DelegatedAdminStatus)
GdapStatus = models.GdapStatus
strawberry.enum(models.GdapStatus)


@strawberry.type
class Address:
    line1: str | None
    line2: str | None
    city: str | None
    region: str | None
    postal_code: str | None
    country: str


@strawberry.type
class BillingProfile:
    contact_name: str | None
    contact_email: str
    phone: str | None
    culture: str | None
    language: str | None
    address: Address | None

    @classmethod
    def from_row(cls, row: models.BillingProfile) -> Self:
        return cls(
            contact_name=row.contact_name,
            contact_email=row.contact_email,
            phone=row.phone,
            culture=row.culture,
            language=row.language,
            address=Address(
                line1=row.line1,
                line2=row.line2,
                city=row.city,
                region=row.region,
                postal_code=row.postal_code,
                country=row.country,
            ),
        )


@strawberry.type
class DelegatedAdminGrant:
    status: DelegatedAdminStatus
    granted_at: datetime
    revoked_at: datetime | None


@strawberry.type(name="GdapRelationship")
class GdapRelationshipNode(ScopedNode):
    node_capability: ClassVar[Capability] = Capability.VIEW_ADMIN_RELATIONSHIPS
    id: relay.NodeID[str]
    display_name: str
    status: GdapStatus
    roles: list[str] = strawberry.field(
        description="Entra built-in role names granted by the relationship."
    )
    created_at: datetime
    ends_at: datetime

    @classmethod
    def from_row(cls, row: models.GdapRelationship) -> Self:
        return cls(
            id=str(row.id),
            display_name=row.display_name,
            status=row.status,
            roles=list(row.roles),
            created_at=row.created_at,
            ends_at=row.ends_at,
        )

    @classmethod
    def visible(cls, partner: Partner) -> QuerySet[Any]:
        return models.GdapRelationship.filter(partner_id=partner.id)


async def load_gdap_relationships(
    info: Info, partner_id: UUID, customer_id: UUID
) -> list[GdapRelationshipNode]:
    rows = await info.context.loader(loaders.gdap_relationships).load((partner_id, customer_id))
    return [GdapRelationshipNode.from_row(row) for row in rows]


@strawberry.type(name="Customer")
class CustomerNode(ScopedNode):
    """A customer as the viewer's partner sees it (through its relationship record)."""

    node_capability: ClassVar[Capability] = Capability.VIEW_CUSTOMERS
    node_key: ClassVar[str] = "customer_id"
    id: relay.NodeID[str]
    tenant_id: str = strawberry.field(description="The customer's directory tenant id.")
    company_name: str
    default_domain: str
    relationship_to_partner: RelationshipToPartner
    relationship_established_at: datetime | None
    acquisition_channel: AcquisitionChannel | None
    _relationship: strawberry.Private[models.Relationship]

    @classmethod
    def from_row(cls, row: models.Relationship) -> Self:
        customer = row.customer
        return cls(
            id=str(customer.id),
            tenant_id=str(customer.tenant_id),
            company_name=customer.company_name,
            default_domain=customer.default_domain,
            relationship_to_partner=row.type,
            relationship_established_at=row.established_at,
            acquisition_channel=row.channel,
            _relationship=row,
        )

    @classmethod
    def visible(cls, partner: Partner) -> QuerySet[Any]:
        return service.visible_relationships(partner)

    @property
    def _key(self) -> loaders.PartnerCustomer:
        return (self._relationship.partner_id, self._relationship.customer_id)

    @strawberry.field(
        description="For an indirect reseller: the indirect provider that also holds a "
        "reseller relationship with this customer."
    )
    async def indirect_provider(self, info: Info) -> PartnerNode | None:
        row = self._relationship
        if row.indirect_provider_id is None or row.type is not models.RelationshipType.RESELLER:
            return None
        provider_relationship = await info.context.loader(loaders.reseller_relationships).load(
            (row.indirect_provider_id, row.customer_id)
        )
        if provider_relationship is None:
            return None
        return await load_partner(info, row.indirect_provider_id)

    @strawberry.field(
        description="For an indirect provider: the indirect reseller it serves this customer with."
    )
    async def indirect_reseller(self, info: Info) -> PartnerNode | None:
        if self._relationship.type is not models.RelationshipType.RESELLER:
            return None
        reseller_relationship = await info.context.loader(
            loaders.reseller_relationships_via_provider
        ).load(self._key)
        if reseller_relationship is None:
            return None
        return await load_partner(info, reseller_relationship.partner_id)

    @strawberry.field(
        description="Whether an order placed now by the viewer's partner for this customer "
        "would be accepted."
    )
    def can_transact(self, info: Info) -> bool:
        return service.can_transact(info.context.viewer_partner, self._relationship)

    @strawberry.field(
        description="GLOBAL_ADMIN, ADMIN_AGENT, SALES_AGENT, BILLING_ADMIN.",
        extensions=[requires(Capability.VIEW_BILLING_PROFILE)],
    )
    async def billing_profile(self, info: Info) -> BillingProfile | None:
        row = await info.context.loader(loaders.billing_profiles).load(
            self._relationship.customer_id
        )
        return BillingProfile.from_row(row) if row else None

    @strawberry.field(
        description="GLOBAL_ADMIN, ADMIN_AGENT. Null when the viewer's partner holds no grant.",
        extensions=[requires(Capability.VIEW_ADMIN_RELATIONSHIPS)],
    )
    async def delegated_admin(self, info: Info) -> DelegatedAdminGrant | None:
        row = await info.context.loader(loaders.latest_delegated_admin_grants).load(self._key)
        if row is None:
            return None
        return DelegatedAdminGrant(
            status=row.status, granted_at=row.granted_at, revoked_at=row.revoked_at
        )

    @strawberry.field(
        description="GLOBAL_ADMIN, ADMIN_AGENT.",
        extensions=[requires(Capability.VIEW_ADMIN_RELATIONSHIPS)],
    )
    async def gdap_relationships(self, info: Info) -> list[GdapRelationshipNode] | None:
        return await load_gdap_relationships(info, *self._key)

    @strawberry.field(
        description="GLOBAL_ADMIN, ADMIN_AGENT, SALES_AGENT.",
        extensions=[requires(Capability.MANAGE_INVITATIONS)],
    )
    async def invitations(
        self, info: Info, first: int | None = 20, after: str | None = None
    ) -> Connection[Annotated["InvitationNode", strawberry.lazy("api.invitations.types")]] | None:
        from api.invitations.loaders import invitations_by_customer
        from api.invitations.service import NEWEST_FIRST
        from api.invitations.types import InvitationNode

        return await self._nested_page(
            info, invitations_by_customer, NEWEST_FIRST, InvitationNode.from_row, first, after
        )

    @strawberry.field(
        description="Orders the viewer's partner placed for this customer, or that were placed "
        "for it, newest first. GLOBAL_ADMIN, ADMIN_AGENT, SALES_AGENT.",
        extensions=[requires(Capability.PLACE_ORDERS)],
    )
    async def orders(
        self, info: Info, first: int | None = 20, after: str | None = None
    ) -> Connection[Annotated["OrderNode", strawberry.lazy("api.orders.types")]] | None:
        from api.orders.loaders import orders_by_customer
        from api.orders.service import NEWEST_FIRST
        from api.orders.types import OrderNode

        return await self._nested_page(
            info, orders_by_customer, NEWEST_FIRST, OrderNode.from_row, first, after
        )

    async def _nested_page(
        self,
        info: Info,
        batch_load: BatchLoad[loaders.PartnerCustomer, list[RowT]],
        ordering: Ordering[RowT],
        to_node: Callable[[RowT], NodeT],
        first: int | None,
        after: str | None,
    ) -> Connection[NodeT]:
        """A page of a list nested in each customer: one query loads it for the whole
        page of customers, and each customer's page is cut from its rows."""
        rows = await info.context.loader(batch_load).load(self._key)
        page_size = 20 if first is None else first
        return paginate_loaded(rows, ordering, first=page_size, after=after, to_node=to_node)
