"""Requesting a reseller relationship: the invitation in DRAFT with its draft email."""

from datetime import timedelta

from api import rate_limit, validation
from api.audit import service as audit
from api.audit.models import AuditAction
from api.context import Context
from api.customers.models import (
    AcquisitionChannel,
    BillingProfile,
    Customer,
    RelationshipType,
)
from api.customers.service import get_relationship
from api.db.transaction import atomic
from api.errors import UserErrorCode, UserInputError
from api.invitations import drafts, tokens
from api.invitations.models import (
    Invitation,
    InvitationKind,
    InvitationStatus,
)
from api.invitations.service import (
    actor,
    announce,
    now,
    token_of,
)
from api.partners.models import Partner, PartnerKind
from api.partners.service import are_linked


async def request_relationship(
    context: Context,
    *,
    customer_id: str | None,
    recipient_email: str | None,
    indirect_provider_id: str | None,
    channel: AcquisitionChannel | None,
    include_delegated_admin: bool,
) -> Invitation:
    services, partner = context.services, context.viewer_partner
    settings = services.settings
    await rate_limit.check(
        services.redis,
        settings.redis_prefix,
        "invitation-requests",
        context.viewer,
        settings.invitation_requests_per_minute,
    )
    provider = await _linked_provider(partner, indirect_provider_id)
    customer: Customer | None = None
    profile: BillingProfile | None = None
    if customer_id is not None:
        customer, profile = await _invitable_customer(partner, customer_id)
    recipient = _recipient(recipient_email, profile, new_customer=customer is None)
    if provider is not None:
        channel = channel or AcquisitionChannel.INDIRECT_PROVIDER
    elif channel is AcquisitionChannel.INDIRECT_PROVIDER:
        raise validation.invalid(["channel"], "INDIRECT_PROVIDER needs an indirect provider.")
    created_at = now()
    expires_at = created_at + timedelta(days=settings.invitation_ttl_days)
    language = drafts.language_for(profile.language if profile else None)
    draft = drafts.render(
        language,
        partner_name=partner.name,
        partner_id=partner.partner_id,
        provider_name=provider.name if provider else None,
        customer_name=customer.company_name if customer else None,
        contact_name=profile.contact_name if profile else None,
        include_delegated_admin=include_delegated_admin,
        expires_at=expires_at,
    )
    invitation = Invitation(
        partner_id=partner.id,
        kind=InvitationKind.NEW_CUSTOMER if customer is None else InvitationKind.EXISTING_CUSTOMER,
        status=InvitationStatus.DRAFT,
        customer_id=customer.id if customer else None,
        recipient_email=recipient,
        indirect_provider_id=provider.id if provider else None,
        channel=channel,
        include_delegated_admin=include_delegated_admin,
        token_salt=tokens.new_salt(),
        language=language,
        subject=draft.subject,
        body_template=draft.body_template,
        created_by=context.viewer.user_id,
        expires_at=expires_at,
    )
    invitation.token_hash = tokens.digest(token_of(settings, invitation))
    async with atomic(services.redis, settings):
        await invitation.save()
        await audit.record(
            partner_id=partner.id,
            action=AuditAction.RELATIONSHIP_REQUESTED,
            customer_tenant_id=customer.tenant_id if customer else None,
            details={
                "invitationId": str(invitation.id),
                "kind": invitation.kind.value,
                "indirectProviderId": str(provider.id) if provider else None,
                "includeDelegatedAdmin": include_delegated_admin,
            },
            **actor(context),
        )
        await announce(invitation)
    return invitation


async def _linked_provider(partner: Partner, provider_id: str | None) -> Partner | None:
    if provider_id is None:
        return None
    field = ["indirectProviderId"]
    if partner.kind is not PartnerKind.INDIRECT_RESELLER:
        raise validation.invalid(field, "Only an indirect reseller can name an indirect provider.")
    pk = validation.node_id(provider_id, "Partner", field)
    provider = await Partner.get_or_none(id=pk) if pk else None
    if provider is None or not await are_linked(provider.id, partner.id):
        raise UserInputError(
            UserErrorCode.PROVIDER_NOT_LINKED,
            "This indirect provider is not linked to your organisation.",
            field,
        )
    return provider


async def _invitable_customer(
    partner: Partner, customer_id: str
) -> tuple[Customer, BillingProfile | None]:
    field = ["customerId"]
    pk = validation.node_id(customer_id, "Customer", field)
    relationship = await get_relationship(partner, pk) if pk else None
    if relationship is None:
        raise UserInputError(UserErrorCode.NOT_FOUND, "No such customer in your list.", field)
    if relationship.type is RelationshipType.RESELLER:
        raise UserInputError(
            UserErrorCode.CONFLICT, "You already have a reseller relationship with it.", field
        )
    profile = await BillingProfile.get_or_none(customer_id=relationship.customer_id)
    return relationship.customer, profile


def _recipient(
    recipient_email: str | None, profile: BillingProfile | None, *, new_customer: bool
) -> str | None:
    field = ["recipientEmail"]
    if recipient_email is not None and recipient_email.strip():
        return validation.email(recipient_email, field)
    if new_customer:
        raise validation.invalid(field, "A recipient email is required to invite a new customer.")
    return profile.contact_email if profile else None
