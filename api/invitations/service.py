"""Reseller relationship requests: create, send, cancel, preview, accept (DESIGN.md §4)."""

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from api import events, rate_limit, validation
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
from api.customers.service import get_relationship
from api.db import outbox
from api.db.transaction import atomic
from api.errors import UserErrorCode, UserInputError
from api.invitations import drafts, tokens
from api.invitations.models import (
    OPEN_STATUSES,
    DeliveryMethod,
    Invitation,
    InvitationKind,
    InvitationStatus,
)
from api.pagination import Ordering, newest_first
from api.partners.models import Partner, PartnerKind
from api.partners.service import are_linked
from api.settings import Settings

SEND_INVITATION_EMAIL = "send_invitation_email"
MAX_SUBJECT_LENGTH = 300
MAX_BODY_LENGTH = 20_000
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{20,100}$")

NEWEST_FIRST: Ordering[Invitation] = newest_first("created_at")


def now() -> datetime:
    return datetime.now(UTC)


# ------------------------------------------------------------------ reading


def token_of(settings: Settings, invitation: Invitation) -> str:
    secret = settings.token_secret
    assert secret is not None, "create_app refuses to start without a token secret"
    return tokens.derive(secret, invitation.id, invitation.token_salt)


def url_of(settings: Settings, invitation: Invitation) -> str:
    return f"{settings.public_base_url}/invitations/{token_of(settings, invitation)}"


def effective_status(invitation: Invitation, at: datetime | None = None) -> InvitationStatus:
    """The status, counting an open invitation past its expiry as EXPIRED even before
    the periodic job has marked it."""
    if invitation.status in OPEN_STATUSES and invitation.expires_at <= (at or now()):
        return InvitationStatus.EXPIRED
    return invitation.status


def visible_invitations(partner: Partner) -> QuerySet[Invitation]:
    """Invitations the partner sent, and those naming it as the indirect provider."""
    return Invitation.filter(Q(partner_id=partner.id) | Q(indirect_provider_id=partner.id))


def status_filter(statuses: list[InvitationStatus], at: datetime) -> Q:
    """Matches the effective status (see `effective_status`)."""
    wanted = set(statuses)
    conditions = []
    open_wanted = [status for status in OPEN_STATUSES if status in wanted]
    if open_wanted:
        conditions.append(Q(status__in=open_wanted, expires_at__gt=at))
    closed_wanted = [status for status in wanted if status not in OPEN_STATUSES]
    if closed_wanted:
        conditions.append(Q(status__in=closed_wanted))
    if InvitationStatus.EXPIRED in wanted:
        conditions.append(Q(status__in=list(OPEN_STATUSES), expires_at__lte=at))
    return Q(*conditions, join_type="OR") if conditions else Q(id__in=[])


async def find_by_token(token: str) -> Invitation | None:
    if not _TOKEN_SHAPE.match(token):
        return None
    return await Invitation.get_or_none(token_hash=tokens.digest(token))


async def _own_invitation(context: Context, invitation_id: str) -> Invitation:
    pk = validation.node_id(invitation_id, "Invitation", ["invitationId"])
    invitation = (
        await Invitation.get_or_none(id=pk, partner_id=context.viewer_partner.id) if pk else None
    )
    if invitation is None:
        raise UserInputError(UserErrorCode.NOT_FOUND, "No such invitation.", ["invitationId"])
    return invitation


def _closed_error(invitation: Invitation, field: list[str]) -> UserInputError:
    status = effective_status(invitation)
    if status is InvitationStatus.EXPIRED:
        return UserInputError(
            UserErrorCode.INVITATION_EXPIRED, "The invitation has expired.", field
        )
    return UserInputError(
        UserErrorCode.INVITATION_CLOSED, f"The invitation is {status.value.lower()}.", field
    )


def parties(invitation: Invitation) -> list[UUID]:
    """The partners an invitation concerns: the inviter and the named provider."""
    return [p for p in (invitation.partner_id, invitation.indirect_provider_id) if p is not None]


async def announce(invitation: Invitation) -> None:
    """Tell dashboards (`invitationUpdated`) once the current transaction commits."""
    await events.queue(
        parties(invitation),
        {"type": events.INVITATION_UPDATED, "invitationId": str(invitation.id)},
    )


def _actor(context: Context) -> dict[str, Any]:
    principal = context.viewer
    return {"actor_user_id": principal.user_id, "actor_tenant_id": principal.tenant_id}


# ----------------------------------------------------------------- creating


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
            **_actor(context),
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


# ------------------------------------------------------------------ sending


async def send(
    context: Context,
    *,
    invitation_id: str,
    subject: str | None,
    body: str | None,
    recipient_email: str | None,
    delivery: DeliveryMethod,
) -> Invitation:
    services = context.services
    invitation = await _own_invitation(context, invitation_id)
    _check_sendable(invitation)
    token = token_of(services.settings, invitation)
    url = url_of(services.settings, invitation)
    changes: dict[str, Any] = {"delivery_method": delivery}
    if subject is not None:
        changes["subject"] = validation.text(subject, ["subject"], max_length=MAX_SUBJECT_LENGTH)
        if token in changes["subject"]:
            # The subject is stored as written; the link belongs in the body only.
            raise validation.invalid(["subject"], "The subject must not contain the link.")
    if body is not None:
        edited = validation.text(body, ["body"], max_length=MAX_BODY_LENGTH, multiline=True)
        if url not in edited:
            raise UserInputError(
                UserErrorCode.URL_MISSING,
                "The email body must contain the invitation link exactly as given.",
                ["body"],
            )
        changes["body_template"] = drafts.to_template(edited, url)
    if recipient_email is not None:
        changes["recipient_email"] = validation.email(recipient_email, ["recipientEmail"])
    if delivery is DeliveryMethod.EMAIL and not changes.get(
        "recipient_email", invitation.recipient_email
    ):
        raise validation.invalid(["recipientEmail"], "A recipient email is required to send it.")
    if delivery is DeliveryMethod.EMAIL:
        changes |= {
            "status": InvitationStatus.QUEUED,
            "send_count": invitation.send_count + 1,
            "delivery_attempts": 0,
            "last_delivery_error": None,
        }
    else:
        changes |= {"status": InvitationStatus.SENT, "sent_at": now()}

    async with atomic(services.redis, services.settings):
        # Conditional on what was read, so a concurrent acceptance, cancellation or
        # send is never overwritten.
        updated = await Invitation.filter(
            id=invitation.id,
            status=invitation.status,
            send_count=invitation.send_count,
            expires_at__gt=now(),
        ).update(**changes)
        if not updated:
            raise UserInputError(
                UserErrorCode.CONFLICT,
                "The invitation changed while you were sending it. Reload it and try again.",
                ["invitationId"],
            )
        await invitation.refresh_from_db()
        if delivery is DeliveryMethod.EMAIL:
            await outbox.add(
                SEND_INVITATION_EMAIL,
                invitation_id=str(invitation.id),
                send_number=invitation.send_count,
            )
        else:
            await audit.record(
                partner_id=invitation.partner_id,
                action=AuditAction.INVITATION_SENT,
                customer_tenant_id=await _customer_tenant(invitation),
                details={"invitationId": str(invitation.id), "delivery": delivery.value},
                **_actor(context),
            )
        await announce(invitation)
    return invitation


# Where `sendInvitation` may start from: a draft, or a delivery that failed. Once sent,
# the customer holds the link; sending it again is a new invitation, not a new status.
_SENDABLE = (InvitationStatus.DRAFT, InvitationStatus.FAILED)


def _check_sendable(invitation: Invitation) -> None:
    field = ["invitationId"]
    if invitation.status in _SENDABLE and invitation.expires_at <= now():
        raise UserInputError(UserErrorCode.INVITATION_EXPIRED, "The invitation has expired.", field)
    if invitation.status is InvitationStatus.QUEUED:
        raise UserInputError(
            UserErrorCode.CONFLICT, "The invitation is already being delivered.", field
        )
    if invitation.status is InvitationStatus.SENT:
        raise UserInputError(
            UserErrorCode.CONFLICT,
            "The invitation was already sent. Cancel it and request a new one to send "
            "another link.",
            field,
        )
    if (
        invitation.status not in _SENDABLE
        or effective_status(invitation) is InvitationStatus.EXPIRED
    ):
        raise _closed_error(invitation, field)


async def _customer_tenant(invitation: Invitation) -> UUID | None:
    if invitation.customer_id is None:
        return None
    customer = await Customer.get_or_none(id=invitation.customer_id)
    return customer.tenant_id if customer else None


async def cancel(context: Context, *, invitation_id: str) -> Invitation:
    services = context.services
    invitation = await _own_invitation(context, invitation_id)
    async with atomic(services.redis, services.settings):
        # Conditional on the status, so a concurrent acceptance wins or loses cleanly.
        updated = await Invitation.filter(
            id=invitation.id, status__in=list(OPEN_STATUSES), expires_at__gt=now()
        ).update(status=InvitationStatus.CANCELLED)
        if not updated:
            await invitation.refresh_from_db()
            raise _closed_error(invitation, ["invitationId"])
        await audit.record(
            partner_id=invitation.partner_id,
            action=AuditAction.INVITATION_CANCELLED,
            customer_tenant_id=await _customer_tenant(invitation),
            details={"invitationId": str(invitation.id)},
            **_actor(context),
        )
        await announce(invitation)
    await invitation.refresh_from_db()
    return invitation


# ---------------------------------------------------------- customer side


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
        raise _closed_error(invitation, field)
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
            raise _closed_error(invitation, field)
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
