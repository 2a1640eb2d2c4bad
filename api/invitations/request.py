"""Requesting a reseller relationship: the invitation in DRAFT with its draft email."""

from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from api import validation
from api.actors import Actor
from api.audit import log as audit
from api.audit.models import AuditAction
from api.customers.models import BillingProfile, Customer
from api.db.transaction import atomic
from api.errors import UserErrorCode, UserInputError, invalid, not_found
from api.invitations import drafts, tokens
from api.invitations.events import announce
from api.invitations.links import token_of
from api.invitations.models import Invitation, InvitationKind, InvitationStatus
from api.invitations.status import now
from api.partners.models import Partner, PartnerKind
from api.partners.queries import are_linked
from api.relationships.customer_list import get_relationship
from api.relationships.models import AcquisitionChannel, RelationshipType
from api.settings import Settings


@dataclass(frozen=True)
class RelationshipRequest:
    # An existing customer from the partner's list; None invites a new customer.
    customer_id: UUID | None = None
    # Required for a new customer; the billing contact of an existing one by default.
    recipient_email: str | None = None
    # Indirect resellers only: invite the customer to this provider at the same time.
    indirect_provider_id: UUID | None = None
    channel: AcquisitionChannel | None = None
    include_delegated_admin: bool = True


async def request_relationship(
    actor: Actor, request: RelationshipRequest, *, settings: Settings
) -> Invitation:
    partner = actor.acting_partner
    provider = await _linked_provider(partner, request.indirect_provider_id)
    customer: Customer | None = None
    profile: BillingProfile | None = None
    if request.customer_id is not None:
        customer, profile = await _invitable_customer(partner, request.customer_id)
    recipient = _recipient(request.recipient_email, profile, new_customer=customer is None)
    channel = request.channel
    if provider is not None:
        channel = channel or AcquisitionChannel.INDIRECT_PROVIDER
    elif channel is AcquisitionChannel.INDIRECT_PROVIDER:
        raise invalid(["channel"], "The indirect provider channel needs an indirect provider.")
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
        include_delegated_admin=request.include_delegated_admin,
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
        include_delegated_admin=request.include_delegated_admin,
        token_salt=tokens.new_salt(),
        language=language,
        subject=draft.subject,
        body_template=draft.body_template,
        created_by=actor.user_id,
        expires_at=expires_at,
    )
    invitation.token_hash = tokens.digest(token_of(settings, invitation))
    async with atomic():
        await invitation.save()
        await audit.record(
            actor,
            partner_id=partner.id,
            action=AuditAction.RELATIONSHIP_REQUESTED,
            customer_tenant_id=customer.tenant_id if customer else None,
            details={
                "invitationId": str(invitation.id),
                "kind": invitation.kind.value,
                "indirectProviderId": str(provider.id) if provider else None,
                "includeDelegatedAdmin": request.include_delegated_admin,
            },
        )
        await announce(invitation)
    return invitation


async def _linked_provider(partner: Partner, provider_id: UUID | None) -> Partner | None:
    if provider_id is None:
        return None
    field = ["indirect_provider_id"]
    if partner.kind is not PartnerKind.INDIRECT_RESELLER:
        raise invalid(field, "Only an indirect reseller can name an indirect provider.")
    provider = await Partner.get_or_none(id=provider_id)
    if provider is None or not await are_linked(provider.id, partner.id):
        raise UserInputError(
            UserErrorCode.PROVIDER_NOT_LINKED,
            "This indirect provider is not linked to your organisation.",
            field,
        )
    return provider


async def _invitable_customer(
    partner: Partner, customer_id: UUID
) -> tuple[Customer, BillingProfile | None]:
    field = ["customer_id"]
    relationship = await get_relationship(partner, customer_id)
    if relationship is None:
        raise not_found(field, "No such customer in your list.")
    if relationship.type is RelationshipType.RESELLER:
        raise UserInputError(
            UserErrorCode.CONFLICT,
            "You already have a reseller relationship with this customer.",
            field,
        )
    profile = await BillingProfile.get_or_none(customer_id=relationship.customer_id)
    return relationship.customer, profile


def _recipient(
    recipient_email: str | None, profile: BillingProfile | None, *, new_customer: bool
) -> str | None:
    field = ["recipient_email"]
    if recipient_email is not None and recipient_email.strip():
        return validation.email(recipient_email, field)
    if new_customer:
        raise invalid(field, "The recipient's email address is required to invite a new customer.")
    return profile.contact_email if profile else None
