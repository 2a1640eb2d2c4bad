"""Invitation mutations: each names who may call it (`mutation(Capability…)`) and
the one operation it runs, whose user error codes say what it can refuse."""

import strawberry

from api.graphql import ids
from api.graphql.context import Info
from api.graphql.customers.types import AcquisitionChannel
from api.graphql.errors import UserError
from api.graphql.invitations.types import DeliveryMethod, InvitationNode
from api.graphql.mutations import mutation
from api.graphql.rate_limit import INVITATION_REQUESTS
from api.invitations import acceptance, sending
from api.invitations.request import RelationshipRequest, request_relationship
from api.permissions import Capability


@strawberry.input
class RequestResellerRelationshipInput:
    customer_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="An existing customer from the viewer's list; omit to invite a new customer.",
    )
    recipient_email: str | None = strawberry.field(
        default=None,
        description="Required for a new customer; defaults to the billing contact of an "
        "existing one.",
    )
    indirect_provider_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Indirect resellers only: invite the customer to this indirect provider "
        "at the same time.",
    )
    channel: AcquisitionChannel | None = None
    include_delegated_admin: bool | None = True


@strawberry.type
class RequestResellerRelationshipPayload:
    invitation: InvitationNode | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class SendInvitationInput:
    invitation_id: strawberry.ID
    subject: str | None = strawberry.field(
        default=None, description="Edited subject; the draft's when omitted."
    )
    body: str | None = strawberry.field(
        default=None, description="Edited body; must still contain the invitation url."
    )
    recipient_email: str | None = None
    delivery: DeliveryMethod = DeliveryMethod.EMAIL


@strawberry.type
class SendInvitationPayload:
    invitation: InvitationNode | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class CancelInvitationInput:
    invitation_id: strawberry.ID


@strawberry.type
class CancelInvitationPayload:
    invitation: InvitationNode | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class NewCustomerInput:
    company_name: str
    default_domain: str
    contact_name: str | None = None
    contact_email: str
    phone: str | None = None
    culture: str | None = None
    language: str | None = None
    country: str


@strawberry.input
class AcceptInvitationInput:
    token: str
    company: NewCustomerInput | None = strawberry.field(
        default=None, description="Required when the invitation is for a new customer."
    )


@strawberry.type
class AcceptInvitationPayload:
    customer_tenant_id: str | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


def _new_customer(company: NewCustomerInput | None) -> acceptance.NewCustomer | None:
    if company is None:
        return None
    return acceptance.NewCustomer(
        company_name=company.company_name,
        default_domain=company.default_domain,
        contact_name=company.contact_name,
        contact_email=company.contact_email,
        phone=company.phone,
        culture=company.culture,
        language=company.language,
        country=company.country,
    )


@strawberry.type
class InvitationMutations:
    @mutation(Capability.MANAGE_INVITATIONS, rate_limits=(INVITATION_REQUESTS,))
    async def request_reseller_relationship(
        self, info: Info, input: RequestResellerRelationshipInput
    ) -> RequestResellerRelationshipPayload:
        request = RelationshipRequest(
            customer_id=ids.decode_optional(input.customer_id, "Customer", ["customer_id"]),
            recipient_email=input.recipient_email,
            indirect_provider_id=ids.decode_optional(
                input.indirect_provider_id, "Partner", ["indirect_provider_id"]
            ),
            channel=input.channel,
            include_delegated_admin=input.include_delegated_admin is not False,
        )
        invitation = await request_relationship(
            info.context.viewer, request, settings=info.context.services.settings
        )
        return RequestResellerRelationshipPayload(invitation=InvitationNode.of(invitation))

    @mutation(Capability.MANAGE_INVITATIONS)
    async def send_invitation(
        self, info: Info, input: SendInvitationInput
    ) -> SendInvitationPayload:
        invitation = await sending.send(
            info.context.viewer,
            ids.decode(input.invitation_id, "Invitation", ["invitation_id"]),
            sending.Sending(
                delivery=input.delivery,
                subject=input.subject,
                body=input.body,
                recipient_email=input.recipient_email,
            ),
            settings=info.context.services.settings,
        )
        return SendInvitationPayload(invitation=InvitationNode.of(invitation))

    @mutation(Capability.MANAGE_INVITATIONS)
    async def cancel_invitation(
        self, info: Info, input: CancelInvitationInput
    ) -> CancelInvitationPayload:
        invitation = await sending.cancel(
            info.context.viewer, ids.decode(input.invitation_id, "Invitation", ["invitation_id"])
        )
        return CancelInvitationPayload(invitation=InvitationNode.of(invitation))

    @mutation(
        Capability.ACCEPT_INVITATIONS,
        description="Customer side: a principal of the invited tenant holding {roles}.",
    )
    async def accept_invitation(
        self, info: Info, input: AcceptInvitationInput
    ) -> AcceptInvitationPayload:
        customer = await acceptance.accept(
            info.context.viewer, input.token, _new_customer(input.company)
        )
        return AcceptInvitationPayload(customer_tenant_id=str(customer.tenant_id))
