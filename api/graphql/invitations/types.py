from datetime import datetime
from typing import Any, ClassVar

import strawberry
from strawberry import relay
from tortoise.queryset import QuerySet

from api.graphql.context import Info
from api.graphql.customers import loaders as customer_loaders
from api.graphql.customers.types import AcquisitionChannel, CustomerNode
from api.graphql.node import ScopedNode
from api.graphql.partners.types import PartnerNode, load_partner
from api.graphql.permissions import guard, readable_with
from api.invitations import drafts, models
from api.invitations.links import url_of
from api.invitations.queries import visible_invitations
from api.invitations.status import effective_status
from api.partners.models import Partner
from api.permissions import Capability

InvitationKind = models.InvitationKind
strawberry.enum(models.InvitationKind)
InvitationStatus = models.InvitationStatus
strawberry.enum(models.InvitationStatus)
DeliveryMethod = models.DeliveryMethod
strawberry.enum(models.DeliveryMethod)

Invitation = strawberry.Parent[models.Invitation]


@readable_with(Capability.MANAGE_INVITATIONS)
@strawberry.type
class EmailDraft:
    subject: str
    body: str = strawberry.field(description="Always contains the invitation url.")
    mailto_url: str = strawberry.field(
        description="A mailto: link that opens the draft in the partner's mail client."
    )


def _is_inviter(info: Info, row: models.Invitation) -> bool:
    # The named indirect provider sees the invitation, but its link stays with the
    # reseller that sends it.
    return row.partner_id == info.context.viewer_partner.id


def _status(row: Invitation) -> InvitationStatus:
    return effective_status(row)


@strawberry.type(name="Invitation")
class InvitationNode(ScopedNode):
    row_type = models.Invitation
    node_capability: ClassVar[Capability] = Capability.MANAGE_INVITATIONS
    id: relay.NodeID[str]
    kind: InvitationKind
    status: InvitationStatus = strawberry.field(resolver=_status)
    recipient_email: str | None
    channel: AcquisitionChannel | None
    include_delegated_admin: bool
    created_by: str
    created_at: datetime
    sent_at: datetime | None
    accepted_at: datetime | None
    expires_at: datetime
    delivery_attempts: int
    last_delivery_error: str | None

    @classmethod
    def visible(cls, partner: Partner) -> QuerySet[Any]:
        return visible_invitations(partner)

    @strawberry.field(
        description="The invited existing customer, or the customer created on acceptance."
    )
    async def customer(self, info: Info, row: Invitation) -> CustomerNode | None:
        if row.customer_id is None:
            return None
        relationship = await info.context.loader(customer_loaders.relationships).load(
            (info.context.viewer_partner.id, row.customer_id)
        )
        return CustomerNode.of(relationship) if relationship else None

    @strawberry.field
    async def indirect_provider(self, info: Info, row: Invitation) -> PartnerNode | None:
        return await load_partner(info, row.indirect_provider_id)

    @strawberry.field(
        **guard(Capability.MANAGE_INVITATIONS, "The customer-specific acceptance link. {roles}.")
    )
    def url(self, info: Info, row: Invitation) -> str | None:
        if not _is_inviter(info, row):
            return None
        return url_of(info.context.services.settings, row)

    @strawberry.field(**guard(Capability.MANAGE_INVITATIONS))
    def draft(self, info: Info, row: Invitation) -> EmailDraft | None:
        if not _is_inviter(info, row):
            return None
        body = drafts.complete(row.body_template, url_of(info.context.services.settings, row))
        return EmailDraft(
            subject=row.subject,
            body=body,
            mailto_url=drafts.mailto(row.recipient_email, row.subject, body),
        )


@strawberry.type(description="The signed-in organisation's own customer record.")
class KnownOrganisation:
    company_name: str
    default_domain: str


@strawberry.type(
    description="What a customer's admin sees before accepting (no partner-private data)."
)
class InvitationPreview:
    partner_name: str
    partner_id: str
    indirect_provider_name: str | None
    include_delegated_admin: bool
    kind: InvitationKind
    status: InvitationStatus
    expires_at: datetime
    your_organisation: KnownOrganisation | None = strawberry.field(
        description="The signed-in organisation's record, when Partner Connect already "
        "has one: accepting uses it as it is."
    )
    company_details_needed: bool = strawberry.field(
        description="Whether accepting needs `company`: an invitation for a new customer, "
        "accepted by an organisation Partner Connect does not know yet."
    )
    for_another_organisation: bool = strawberry.field(
        description="Whether the signed-in organisation cannot accept, the invitation being "
        "for an existing customer that is not it (accepting answers `WRONG_TENANT`); false "
        "when no one is signed in."
    )
