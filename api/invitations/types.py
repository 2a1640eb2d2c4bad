from datetime import datetime
from typing import Any, ClassVar, Self

import strawberry
from strawberry import relay
from tortoise.queryset import QuerySet

from api.context import Info
from api.customers import loaders as customer_loaders
from api.customers.types import AcquisitionChannel, CustomerNode
from api.invitations import drafts, models, service
from api.node import ScopedNode
from api.partners.models import Partner
from api.partners.types import PartnerNode, load_partner
from api.permissions import Capability, requires

InvitationKind = models.InvitationKind
strawberry.enum(models.InvitationKind)
InvitationStatus = models.InvitationStatus
strawberry.enum(models.InvitationStatus)
DeliveryMethod = models.DeliveryMethod
strawberry.enum(models.DeliveryMethod)


@strawberry.type
class EmailDraft:
    subject: str
    body: str = strawberry.field(description="Always contains the invitation url.")
    mailto_url: str = strawberry.field(
        description="A mailto: link that opens the draft in the partner's mail client."
    )


@strawberry.type(name="Invitation")
class InvitationNode(ScopedNode):
    node_capability: ClassVar[Capability] = Capability.MANAGE_INVITATIONS
    id: relay.NodeID[str]
    kind: InvitationKind
    status: InvitationStatus
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
    _row: strawberry.Private[models.Invitation]

    @classmethod
    def from_row(cls, row: models.Invitation) -> Self:
        return cls(
            id=str(row.id),
            kind=row.kind,
            status=service.effective_status(row),
            recipient_email=row.recipient_email,
            channel=row.channel,
            include_delegated_admin=row.include_delegated_admin,
            created_by=row.created_by,
            created_at=row.created_at,
            sent_at=row.sent_at,
            accepted_at=row.accepted_at,
            expires_at=row.expires_at,
            delivery_attempts=row.delivery_attempts,
            last_delivery_error=row.last_delivery_error,
            _row=row,
        )

    @classmethod
    def visible(cls, partner: Partner) -> QuerySet[Any]:
        return service.visible_invitations(partner)

    def _is_inviter(self, info: Info) -> bool:
        # The named indirect provider sees the invitation, but its link stays with the
        # reseller that sends it.
        return self._row.partner_id == info.context.viewer_partner.id

    @strawberry.field(
        description="The invited existing customer, or the customer created on acceptance."
    )
    async def customer(self, info: Info) -> CustomerNode | None:
        if self._row.customer_id is None:
            return None
        relationship = await info.context.loader(customer_loaders.relationships).load(
            (info.context.viewer_partner.id, self._row.customer_id)
        )
        return CustomerNode.from_row(relationship) if relationship else None

    @strawberry.field
    async def indirect_provider(self, info: Info) -> PartnerNode | None:
        return await load_partner(info, self._row.indirect_provider_id)

    @strawberry.field(
        description="The customer-specific acceptance link. "
        "GLOBAL_ADMIN, ADMIN_AGENT, SALES_AGENT.",
        extensions=[requires(Capability.MANAGE_INVITATIONS)],
    )
    def url(self, info: Info) -> str | None:
        if not self._is_inviter(info):
            return None
        return service.url_of(info.context.services.settings, self._row)

    @strawberry.field(
        description="GLOBAL_ADMIN, ADMIN_AGENT, SALES_AGENT.",
        extensions=[requires(Capability.MANAGE_INVITATIONS)],
    )
    def draft(self, info: Info) -> EmailDraft | None:
        if not self._is_inviter(info):
            return None
        url = service.url_of(info.context.services.settings, self._row)
        body = drafts.complete(self._row.body_template, url)
        return EmailDraft(
            subject=self._row.subject,
            body=body,
            mailto_url=drafts.mailto(self._row.recipient_email, self._row.subject, body),
        )


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
