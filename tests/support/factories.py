"""Test data written through the models. Every test makes its own partners, so tests
never see each other's rows and need no cleanup."""

import itertools
import uuid
from datetime import UTC, datetime, timedelta

from api.customers.models import BillingProfile, Customer
from api.partners.models import Partner, PartnerKind, ProviderLink
from api.relationships.models import (
    AcquisitionChannel,
    DelegatedAdminGrant,
    DelegatedAdminStatus,
    GdapRelationship,
    GdapStatus,
    Relationship,
    RelationshipType,
)

_numbers = itertools.count(4_800_000)


async def partner(
    kind: PartnerKind = PartnerKind.DIRECT_BILL,
    name: str = "Fabrikam",
    tenant_id: uuid.UUID | None = None,
) -> Partner:
    return await Partner.create(
        tenant_id=tenant_id or uuid.uuid4(), name=name, partner_id=str(next(_numbers)), kind=kind
    )


async def link(provider: Partner, reseller: Partner) -> ProviderLink:
    return await ProviderLink.create(provider=provider, reseller=reseller)


async def customer(
    name: str = "Contoso",
    domain: str | None = None,
    *,
    email: str = "billing@contoso.example",
    language: str | None = "en",
    billing: bool = True,
) -> Customer:
    row = await Customer.create(
        tenant_id=uuid.uuid4(),
        company_name=name,
        default_domain=domain or f"{name.lower().replace(' ', '')}.onmicrosoft.com",
    )
    if billing:
        await BillingProfile.create(
            customer=row,
            contact_name="Pat Doe",
            contact_email=email,
            language=language,
            culture="en-US" if language == "en" else None,
            line1="1 Main St",
            city="Tokyo",
            country="JP",
        )
    return row


async def relate(
    partner: Partner,
    customer: Customer,
    type: RelationshipType = RelationshipType.RESELLER,
    *,
    dap: bool = False,
    indirect_provider: Partner | None = None,
    channel: AcquisitionChannel | None = None,
) -> Relationship:
    now = datetime.now(UTC)
    row = await Relationship.create(
        partner=partner,
        customer=customer,
        type=type,
        channel=channel,
        established_at=now if type is RelationshipType.RESELLER else None,
        indirect_provider=indirect_provider,
    )
    if dap:
        await DelegatedAdminGrant.create(
            partner=partner, customer=customer, status=DelegatedAdminStatus.ACTIVE, granted_at=now
        )
    return row


async def gdap(partner: Partner, customer: Customer, name: str = "Helpdesk") -> GdapRelationship:
    return await GdapRelationship.create(
        partner=partner,
        customer=customer,
        display_name=name,
        status=GdapStatus.ACTIVE,
        roles=["Helpdesk Administrator"],
        ends_at=datetime.now(UTC) + timedelta(days=365),
    )


def full_width(text: str) -> str:
    """ASCII letters as a Japanese IME types them in full-width mode."""
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)
