"""The customer side: previewing an invitation and accepting it (DESIGN.md §4)."""

from datetime import datetime
from typing import Any
from uuid import UUID

from api import events, validation
from api.audit import service as audit
from api.audit.models import AuditAction
from api.context import Context
from api.customers.models import (
    AcquisitionChannel,
    BillingProfile,
    Customer,
    DelegatedAdminGrant,
    DelegatedAdminStatus,
    Relationship,
    RelationshipType,
)
from api.db.transaction import atomic
from api.errors import UserErrorCode, UserInputError
from api.invitations.models import (
    OPEN_STATUSES,
    Invitation,
    InvitationKind,
    InvitationStatus,
)
from api.invitations.service import (
    announce,
    closed_error,
    effective_status,
    find_by_token,
    now,
    parties,
)
from api.partners.models import Partner


async def preview(token: str) -> tuple[Invitation, Partner, Partner | None] | None:
    invitation = await find_by_token(token.strip())
    if invitation is None:
        return None
    await invitation.fetch_related("partner", "indirect_provider")
    return invitation, invitation.partner, invitation.indirect_provider


def clean_new_customer(company: Any) -> dict[str, Any]:
    """The NewCustomerInput, validated; keys are model fields."""

    def path(name: str) -> list[str]:
        return ["company", name]

    return {
        "company_name": validation.text(company.company_name, path("companyName"), max_length=200),
        "default_domain": validation.domain(company.default_domain, path("defaultDomain")),
        "contact_name": validation.optional_text(
            company.contact_name, path("contactName"), max_length=200
        ),
        "contact_email": validation.email(company.contact_email, path("contactEmail")),
        "phone": validation.optional_text(company.phone, path("phone"), max_length=40),
        "culture": validation.language_tag(company.culture, path("culture")),
        "language": validation.language_tag(company.language, path("language")),
        "country": validation.country(company.country, path("country")),
    }


async def accept(context: Context, *, token: str, company: Any | None) -> Customer:
    services, principal = context.services, context.viewer
    field = ["token"]
    invitation = await find_by_token(token.strip())
    if invitation is None:
        raise UserInputError(UserErrorCode.NOT_FOUND, "No such invitation.", field)
    if effective_status(invitation) not in OPEN_STATUSES:
        raise closed_error(invitation, field)
    partners = await Partner.filter(
        id__in=[invitation.partner_id, invitation.indirect_provider_id or invitation.partner_id]
    )
    if principal.tenant_id in {p.tenant_id for p in partners}:
        raise UserInputError(
            UserErrorCode.WRONG_TENANT, "A partner cannot accept its own invitation.", field
        )
    new_customer: dict[str, Any] | None = None
    invited: Customer | None = None
    if invitation.kind is InvitationKind.EXISTING_CUSTOMER:
        invited = await Customer.get_or_none(id=invitation.customer_id)
        if invited is None or invited.tenant_id != principal.tenant_id:
            raise UserInputError(
                UserErrorCode.WRONG_TENANT,
                "This invitation is for another organisation: sign in with its tenant.",
                field,
            )
    elif company is None:
        raise validation.invalid(["company"], "Company details are required for a new customer.")
    else:
        new_customer = clean_new_customer(company)

    async with atomic(services.redis, services.settings):
        accepted_at = now()
        # Single use: of concurrent acceptances only one finds the invitation open.
        updated = await Invitation.filter(
            id=invitation.id, status__in=list(OPEN_STATUSES), expires_at__gt=accepted_at
        ).update(status=InvitationStatus.ACCEPTED, accepted_at=accepted_at)
        if not updated:
            await invitation.refresh_from_db()
            raise closed_error(invitation, field)
        if invited is not None:
            customer = invited
        else:
            assert new_customer is not None
            customer = await _customer_for_tenant(principal.tenant_id, new_customer)
            await Invitation.filter(id=invitation.id).update(customer_id=customer.id)
        await _establish(invitation, customer, accepted_at)
        for partner_id in parties(invitation):
            await audit.record(
                partner_id=partner_id,
                action=AuditAction.INVITATION_ACCEPTED,
                customer_tenant_id=customer.tenant_id,
                details={
                    "invitationId": str(invitation.id),
                    "customerId": str(customer.id),
                    "delegatedAdminGranted": invitation.include_delegated_admin,
                },
                actor_user_id=principal.user_id,
                actor_tenant_id=principal.tenant_id,
            )
        occurred_at = accepted_at.isoformat()
        await events.queue(
            parties(invitation),
            {
                "type": events.INVITATION_ACCEPTED,
                "invitationId": str(invitation.id),
                "customerTenantId": str(customer.tenant_id),
                "acceptedAt": occurred_at,
            },
        )
        await events.queue(
            parties(invitation),
            events.relationship_event("ESTABLISHED", customer.tenant_id, occurred_at),
        )
        await announce(invitation)
    return customer


async def _customer_for_tenant(tenant_id: UUID, details: dict[str, Any]) -> Customer:
    customer = await Customer.get_or_none(tenant_id=tenant_id)
    if customer is None:
        customer = await Customer.create(
            tenant_id=tenant_id,
            company_name=details.pop("company_name"),
            default_domain=details.pop("default_domain"),
        )
    else:
        details.pop("company_name")
        details.pop("default_domain")
    if not await BillingProfile.exists(customer_id=customer.id):
        await BillingProfile.create(customer_id=customer.id, **details)
    return customer


async def _establish(invitation: Invitation, customer: Customer, at: datetime) -> None:
    """The reseller relationship(s) and DAP grant(s) an accepted invitation gives."""
    grants = [invitation.partner_id]
    await _reseller_relationship(
        invitation.partner_id, customer.id, invitation.channel, invitation.indirect_provider_id, at
    )
    if invitation.indirect_provider_id is not None:
        await _reseller_relationship(
            invitation.indirect_provider_id, customer.id, invitation.channel, None, at
        )
        grants.append(invitation.indirect_provider_id)
    if not invitation.include_delegated_admin:
        return
    for partner_id in grants:
        latest = (
            await DelegatedAdminGrant.filter(partner_id=partner_id, customer_id=customer.id)
            .order_by("-granted_at")
            .first()
        )
        if latest is None or latest.status is not DelegatedAdminStatus.ACTIVE:
            await DelegatedAdminGrant.create(
                partner_id=partner_id,
                customer_id=customer.id,
                status=DelegatedAdminStatus.ACTIVE,
                granted_at=at,
            )


async def _reseller_relationship(
    partner_id: UUID,
    customer_id: UUID,
    channel: AcquisitionChannel | None,
    indirect_provider_id: UUID | None,
    at: datetime,
) -> None:
    relationship = (
        await Relationship.filter(partner_id=partner_id, customer_id=customer_id)
        .select_for_update()
        .first()
    )
    if relationship is None:
        await Relationship.create(
            partner_id=partner_id,
            customer_id=customer_id,
            type=RelationshipType.RESELLER,
            channel=channel,
            established_at=at,
            indirect_provider_id=indirect_provider_id,
        )
    elif relationship.type is not RelationshipType.RESELLER:
        relationship.type = RelationshipType.RESELLER
        relationship.channel = channel  # type: ignore[assignment]  # a nullable column
        relationship.established_at = at
        relationship.indirect_provider_id = indirect_provider_id
        await relationship.save()
    elif relationship.indirect_provider_id is None and indirect_provider_id is not None:
        # Already resold, now also through this provider: record the tier link.
        relationship.indirect_provider_id = indirect_provider_id
        await relationship.save(update_fields=["indirect_provider_id"])
