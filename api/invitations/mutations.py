"""Invitation mutations. Each names who may call it (`requires`) and what it can
refuse (the user error codes in its service function)."""

import strawberry

from api.context import Info
from api.customers.types import AcquisitionChannel
from api.errors import UserError
from api.invitations import acceptance, delivery, request
from api.invitations.types import DeliveryMethod, InvitationNode
from api.mutations import respond
from api.permissions import Capability, requires


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


@strawberry.type
class InvitationMutations:
    @strawberry.mutation(
        description="GLOBAL_ADMIN, ADMIN_AGENT, SALES_AGENT.",
        extensions=[requires(Capability.MANAGE_INVITATIONS)],
    )
    async def request_reseller_relationship(
        self, info: Info, input: RequestResellerRelationshipInput
    ) -> RequestResellerRelationshipPayload:
        async def run() -> RequestResellerRelationshipPayload:
            invitation = await request.request_relationship(
                info.context,
                customer_id=input.customer_id,
                recipient_email=input.recipient_email,
                indirect_provider_id=input.indirect_provider_id,
                channel=input.channel,
                include_delegated_admin=input.include_delegated_admin is not False,
            )
            return RequestResellerRelationshipPayload(
                invitation=InvitationNode.from_row(invitation)
            )

        return await respond(info, RequestResellerRelationshipPayload, run)

    @strawberry.mutation(
        description="GLOBAL_ADMIN, ADMIN_AGENT, SALES_AGENT.",
        extensions=[requires(Capability.MANAGE_INVITATIONS)],
    )
    async def send_invitation(
        self, info: Info, input: SendInvitationInput
    ) -> SendInvitationPayload:
        async def run() -> SendInvitationPayload:
            invitation = await delivery.send(
                info.context,
                invitation_id=input.invitation_id,
                subject=input.subject,
                body=input.body,
                recipient_email=input.recipient_email,
                delivery=input.delivery,
            )
            return SendInvitationPayload(invitation=InvitationNode.from_row(invitation))

        return await respond(info, SendInvitationPayload, run)

    @strawberry.mutation(
        description="GLOBAL_ADMIN, ADMIN_AGENT, SALES_AGENT.",
        extensions=[requires(Capability.MANAGE_INVITATIONS)],
    )
    async def cancel_invitation(
        self, info: Info, input: CancelInvitationInput
    ) -> CancelInvitationPayload:
        async def run() -> CancelInvitationPayload:
            invitation = await delivery.cancel(info.context, invitation_id=input.invitation_id)
            return CancelInvitationPayload(invitation=InvitationNode.from_row(invitation))

        return await respond(info, CancelInvitationPayload, run)

    @strawberry.mutation(
        description="Customer side: a principal of the invited tenant holding CUSTOMER_ADMIN.",
        extensions=[requires(Capability.ACCEPT_INVITATIONS)],
    )
    async def accept_invitation(
        self, info: Info, input: AcceptInvitationInput
    ) -> AcceptInvitationPayload:
        async def run() -> AcceptInvitationPayload:
            customer = await acceptance.accept(
                info.context, token=input.token, company=input.company
            )
            return AcceptInvitationPayload(customer_tenant_id=str(customer.tenant_id))

        return await respond(info, AcceptInvitationPayload, run)
