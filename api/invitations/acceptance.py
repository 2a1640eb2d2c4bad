"""The customer side: previewing an invitation and accepting it (docs/behaviour.md,
"The customer's side: preview and acceptance")."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from api import validation
from api.actors import Actor
from api.audit import log as audit
from api.audit.models import AuditAction
from api.customers.models import BillingProfile, Customer
from api.db.transaction import atomic
from api.errors import UserErrorCode, UserInputError, UserInputErrors, invalid, not_found
from api.events import publishing
from api.events.models import InvitationAccepted, RelationshipChange, RelationshipChanged
from api.invitations.events import announce
from api.invitations.models import OPEN_STATUSES, Invitation, InvitationKind, InvitationStatus
from api.invitations.queries import find_by_token, parties
from api.invitations.status import closed_error, effective_status, now
from api.partners.models import Partner
from api.relationships import delegated_admin, reseller
from api.webhooks import delivery as webhooks
from api.webhooks.models import WebhookEventType


@dataclass(frozen=True)
class Preview:
    invitation: Invitation
    partner: Partner
    indirect_provider: Partner | None


@dataclass(frozen=True)
class NewCustomer:
    """What a new customer tells about itself when it accepts."""

    company_name: str
    default_domain: str
    contact_email: str
    country: str
    contact_name: str | None = None
    phone: str | None = None
    culture: str | None = None
    language: str | None = None


async def preview(token: str) -> Preview | None:
    invitation = await find_by_token(token.strip())
    if invitation is None:
        return None
    await invitation.fetch_related("partner", "indirect_provider")
    return Preview(invitation, invitation.partner, invitation.indirect_provider)


def _clean(company: NewCustomer) -> dict[str, Any]:
    """The new customer's details, checked; keys are model fields. Every bad field is
    reported at once."""

    def path(name: str) -> list[str]:
        return ["company", name]

    checks: dict[str, Callable[[], Any]] = {
        "company_name": lambda: validation.text(
            company.company_name, path("company_name"), max_length=200
        ),
        "default_domain": lambda: validation.domain(company.default_domain, path("default_domain")),
        "contact_name": lambda: validation.optional_text(
            company.contact_name, path("contact_name"), max_length=200
        ),
        "contact_email": lambda: validation.email(company.contact_email, path("contact_email")),
        "phone": lambda: validation.optional_text(company.phone, path("phone"), max_length=40),
        "culture": lambda: validation.language_tag(company.culture, path("culture")),
        "language": lambda: validation.language_tag(company.language, path("language")),
        "country": lambda: validation.country(company.country, path("country")),
    }
    cleaned: dict[str, Any] = {}
    errors: list[UserInputError] = []
    for name, check in checks.items():
        try:
            cleaned[name] = check()
        except UserInputError as error:
            errors.append(error)
    if errors:
        raise UserInputErrors(errors)
    return cleaned


async def known_organisation(actor: Actor) -> Customer | None:
    """The accepting organisation's own customer record, if Partner Connect has one
    (another partner knows it, or it was a customer before)."""
    if actor.partner is not None:
        return None
    return await Customer.get_or_none(tenant_id=actor.tenant_id)


def for_another_organisation(invitation: Invitation, known: Customer | None) -> bool:
    """Whether the organisation whose record is `known` (None: not known) cannot accept
    because the invitation is for an existing customer that is not it."""
    return invitation.kind is InvitationKind.EXISTING_CUSTOMER and (
        known is None or known.id != invitation.customer_id
    )


async def accept(actor: Actor, token: str, company: NewCustomer | None) -> Customer:
    """Accept as the invited organisation. An organisation that already has a
    customer record accepts with that record: company details it sends would be
    dropped, so they are refused (ORGANISATION_KNOWN) rather than ignored; and when
    every partner the invitation names already resells to it, there is nothing to
    accept (ALREADY_RESELLER)."""
    field = ["token"]
    invitation = await find_by_token(token.strip())
    if invitation is None:
        raise not_found(field, "No such invitation.")
    if effective_status(invitation) not in OPEN_STATUSES:
        raise closed_error(invitation, field)
    partners = await Partner.filter(
        id__in=[invitation.partner_id, invitation.indirect_provider_id or invitation.partner_id]
    )
    if actor.tenant_id in {p.tenant_id for p in partners}:
        raise UserInputError(
            UserErrorCode.WRONG_TENANT, "A partner cannot accept its own invitation.", field
        )
    new_customer: dict[str, Any] | None = None
    known = await known_organisation(actor)
    if invitation.kind is InvitationKind.EXISTING_CUSTOMER:
        if for_another_organisation(invitation, known):
            raise UserInputError(
                UserErrorCode.WRONG_TENANT,
                "This invitation is for another organisation: sign in with an account of "
                "that organisation.",
                field,
            )
    elif known is not None and company is not None:
        raise UserInputError(
            UserErrorCode.ORGANISATION_KNOWN,
            f"Your organisation is already known as {known.company_name}: accept without "
            "company details, and that record is used.",
            ["company"],
        )
    elif known is None and company is None:
        raise invalid(["company"], "Company details are required for a new customer.")
    elif company is not None:
        new_customer = _clean(company)

    async with atomic():
        accepted_at = now()
        # Single use: of concurrent acceptances only one finds the invitation open.
        updated = await Invitation.filter(
            id=invitation.id, status__in=list(OPEN_STATUSES), expires_at__gt=accepted_at
        ).update(status=InvitationStatus.ACCEPTED, accepted_at=accepted_at)
        if not updated:
            await invitation.refresh_from_db()
            raise closed_error(invitation, field)
        if known is not None and await _nothing_to_accept(invitation, known):
            raise UserInputError(
                UserErrorCode.ALREADY_RESELLER,
                "This partner already is your reseller: there is nothing to accept.",
                field,
            )
        if known is not None:
            customer = known
        else:
            assert new_customer is not None
            customer = await _new_customer(actor.tenant_id, new_customer)
        if invitation.customer_id != customer.id:
            await Invitation.filter(id=invitation.id).update(customer_id=customer.id)
        await _establish(invitation, customer, accepted_at)
        for partner_id in parties(invitation):
            await audit.record(
                actor,
                partner_id=partner_id,
                action=AuditAction.INVITATION_ACCEPTED,
                customer_tenant_id=customer.tenant_id,
                details={
                    "invitationId": str(invitation.id),
                    "customerId": str(customer.id),
                    "delegatedAdminGranted": invitation.include_delegated_admin,
                },
            )
        await webhooks.notify(
            parties(invitation),
            WebhookEventType.RESELLER_RELATIONSHIP_ACCEPTED_BY_CUSTOMER,
            {
                "invitationId": str(invitation.id),
                "customerTenantId": str(customer.tenant_id),
                "customerName": customer.company_name,
                "defaultDomain": customer.default_domain,
                "delegatedAdminGranted": invitation.include_delegated_admin,
            },
            occurred_at=accepted_at,
        )
        await publishing.after_commit(
            parties(invitation),
            InvitationAccepted(
                invitation_id=invitation.id,
                customer_tenant_id=customer.tenant_id,
                accepted_at=accepted_at,
            ),
        )
        await publishing.after_commit(
            parties(invitation),
            RelationshipChanged(
                kind=RelationshipChange.ESTABLISHED,
                customer_tenant_id=customer.tenant_id,
                occurred_at=accepted_at,
            ),
        )
        await announce(invitation)
    return customer


async def _nothing_to_accept(invitation: Invitation, customer: Customer) -> bool:
    """Every partner the invitation names already resells to the customer."""
    for partner_id in parties(invitation):
        if not await reseller.holds_reseller(partner_id, customer.id):
            return False
    return True


async def _new_customer(tenant_id: UUID, details: dict[str, Any]) -> Customer:
    """The customer record and billing profile the new customer typed in (a unique
    tenant id turns a concurrent second creation into a conflict)."""
    customer = await Customer.create(
        tenant_id=tenant_id,
        company_name=details.pop("company_name"),
        default_domain=details.pop("default_domain"),
    )
    await BillingProfile.create(customer_id=customer.id, **details)
    return customer


async def _establish(invitation: Invitation, customer: Customer, at: datetime) -> None:
    """The reseller relationship(s) and DAP grant(s) an accepted invitation gives:
    the inviter's, and the named indirect provider's."""
    resellers = [(invitation.partner_id, invitation.indirect_provider_id)]
    if invitation.indirect_provider_id is not None:
        resellers.append((invitation.indirect_provider_id, None))
    for partner_id, via_provider in resellers:
        await reseller.establish(
            partner_id,
            customer.id,
            channel=invitation.channel,
            indirect_provider_id=via_provider,
            at=at,
        )
    if invitation.include_delegated_admin:
        for partner_id, _ in resellers:
            await delegated_admin.grant(partner_id, customer.id, at=at)
