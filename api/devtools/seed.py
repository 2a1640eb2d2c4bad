"""`partner-connect seed FILE.json`: partners, links, customers, relationships and GDAP
relationships (format in docs/behaviour.md, "Seed file"). Loading a file twice changes
nothing."""

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, EmailStr, Field, ValidationError, field_validator
from pydantic.alias_generators import to_camel
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from api.customers.models import BillingProfile, Customer
from api.partners.models import Partner, PartnerKind, ProviderLink
from api.relationships import delegated_admin
from api.relationships.models import (
    AcquisitionChannel,
    GdapRelationship,
    GdapStatus,
    Relationship,
    RelationshipType,
)


class SeedError(Exception):
    """A seed file that cannot be loaded; the message names the bad entry."""


class _Entry(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


class SeedPartner(_Entry):
    id: UUID
    tenant_id: UUID
    name: str = Field(min_length=1, max_length=200)
    partner_id: str = Field(min_length=1, max_length=32)
    kind: PartnerKind


class SeedLink(_Entry):
    provider: UUID
    reseller: UUID


class SeedAddress(_Entry):
    line1: str | None = Field(default=None, max_length=200)
    line2: str | None = Field(default=None, max_length=200)
    city: str | None = Field(default=None, max_length=100)
    region: str | None = Field(default=None, max_length=100)
    postal_code: str | None = Field(default=None, max_length=20)
    country: str = Field(pattern=r"^[A-Z]{2}$")


class SeedBillingProfile(_Entry):
    contact_name: str | None = Field(default=None, max_length=200)
    contact_email: EmailStr
    phone: str | None = Field(default=None, max_length=40)
    language: str | None = Field(default=None, max_length=20)
    culture: str | None = Field(default=None, max_length=20)
    address: SeedAddress


class SeedCustomer(_Entry):
    id: UUID
    tenant_id: UUID
    company_name: str = Field(min_length=1, max_length=200)
    default_domain: str = Field(min_length=3, max_length=253)
    billing_profile: SeedBillingProfile | None = None


class SeedRelationship(_Entry):
    partner: UUID
    customer: UUID
    type: RelationshipType
    delegated_admin: bool = False
    channel: AcquisitionChannel | None = None
    indirect_provider: UUID | None = None


class SeedGdapRelationship(_Entry):
    partner: UUID
    customer: UUID
    display_name: str = Field(min_length=1, max_length=200)
    roles: list[str] = Field(default_factory=list)
    status: GdapStatus
    ends_at: datetime

    @field_validator("ends_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        return value if value.tzinfo else value.replace(tzinfo=UTC)


class SeedFile(_Entry):
    partners: list[SeedPartner] = Field(default_factory=list)
    provider_links: list[SeedLink] = Field(default_factory=list)
    customers: list[SeedCustomer] = Field(default_factory=list)
    relationships: list[SeedRelationship] = Field(default_factory=list)
    gdap_relationships: list[SeedGdapRelationship] = Field(default_factory=list)


def _location(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(file)"


def parse(data: Any) -> SeedFile:
    try:
        return SeedFile.model_validate(data)
    except ValidationError as error:
        lines = [f"{_location(e['loc'])}: {e['msg']}" for e in error.errors()]
        raise SeedError("invalid seed file:\n  " + "\n  ".join(lines)) from error


def read(path: Path) -> SeedFile:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise SeedError(f"cannot read {path}: {error.strerror}") from error
    except json.JSONDecodeError as error:
        raise SeedError(f"{path} is not JSON: line {error.lineno}: {error.msg}") from error
    return parse(data)


async def _check_references(seed: SeedFile) -> None:
    partners = {p.id: p.kind for p in seed.partners}
    known = {row.id: row.kind for row in await Partner.filter(id__in=_referenced_partners(seed))}
    kinds = {**known, **partners}
    customers = {c.id for c in seed.customers} | set(
        await Customer.filter(id__in=_referenced_customers(seed)).values_list("id", flat=True)
    )

    def partner(where: str, partner_id: UUID, kind: PartnerKind | None = None) -> None:
        if partner_id not in kinds:
            raise SeedError(f"{where}: unknown partner {partner_id}")
        if kind is not None and kinds[partner_id] is not kind:
            raise SeedError(f"{where}: partner {partner_id} is not {kind.value}")

    def customer(where: str, customer_id: UUID) -> None:
        if customer_id not in customers:
            raise SeedError(f"{where}: unknown customer {customer_id}")

    for i, link in enumerate(seed.provider_links):
        partner(f"providerLinks[{i}].provider", link.provider, PartnerKind.INDIRECT_PROVIDER)
        partner(f"providerLinks[{i}].reseller", link.reseller, PartnerKind.INDIRECT_RESELLER)
    for i, rel in enumerate(seed.relationships):
        partner(f"relationships[{i}].partner", rel.partner)
        customer(f"relationships[{i}].customer", rel.customer)
        if rel.indirect_provider is not None:
            partner(
                f"relationships[{i}].indirectProvider",
                rel.indirect_provider,
                PartnerKind.INDIRECT_PROVIDER,
            )
    for i, gdap in enumerate(seed.gdap_relationships):
        partner(f"gdapRelationships[{i}].partner", gdap.partner)
        customer(f"gdapRelationships[{i}].customer", gdap.customer)


def _referenced_partners(seed: SeedFile) -> set[UUID]:
    ids = {link.provider for link in seed.provider_links}
    ids |= {link.reseller for link in seed.provider_links}
    for rel in seed.relationships:
        ids.add(rel.partner)
        if rel.indirect_provider:
            ids.add(rel.indirect_provider)
    return ids | {gdap.partner for gdap in seed.gdap_relationships}


def _referenced_customers(seed: SeedFile) -> set[UUID]:
    return {rel.customer for rel in seed.relationships} | {
        gdap.customer for gdap in seed.gdap_relationships
    }


async def load(seed: SeedFile) -> None:
    """Upserts every entry by its identity, in one transaction."""
    await _check_references(seed)
    try:
        await _upsert(seed)
    except IntegrityError as error:
        raise SeedError(f"the seed file conflicts with existing data: {error}") from error


async def _upsert(seed: SeedFile) -> None:
    async with in_transaction():
        for p in seed.partners:
            await Partner.update_or_create(
                id=p.id,
                defaults={
                    "tenant_id": p.tenant_id,
                    "name": p.name,
                    "partner_id": p.partner_id,
                    "kind": p.kind,
                },
            )
        for link in seed.provider_links:
            await ProviderLink.get_or_create(provider_id=link.provider, reseller_id=link.reseller)
        for c in seed.customers:
            await _load_customer(c)
        now = datetime.now(UTC)
        for rel in seed.relationships:
            await _load_relationship(rel, now)
        for gdap in seed.gdap_relationships:
            await GdapRelationship.update_or_create(
                partner_id=gdap.partner,
                customer_id=gdap.customer,
                display_name=gdap.display_name,
                defaults={"roles": gdap.roles, "status": gdap.status, "ends_at": gdap.ends_at},
            )


async def _load_customer(c: SeedCustomer) -> None:
    await Customer.update_or_create(
        id=c.id,
        defaults={
            "tenant_id": c.tenant_id,
            "company_name": c.company_name,
            "default_domain": c.default_domain,
        },
    )
    profile = c.billing_profile
    if profile is None:
        await BillingProfile.filter(customer_id=c.id).delete()
        return
    address = profile.address
    await BillingProfile.update_or_create(
        customer_id=c.id,
        defaults={
            "contact_name": profile.contact_name,
            "contact_email": str(profile.contact_email),
            "phone": profile.phone,
            "language": profile.language,
            "culture": profile.culture,
            "line1": address.line1,
            "line2": address.line2,
            "city": address.city,
            "region": address.region,
            "postal_code": address.postal_code,
            "country": address.country,
        },
    )


async def _load_relationship(rel: SeedRelationship, now: datetime) -> None:
    existing = await Relationship.get_or_none(partner_id=rel.partner, customer_id=rel.customer)
    established = rel.type is RelationshipType.RESELLER
    fields: dict[str, Any] = {
        "type": rel.type,
        "channel": rel.channel,
        "indirect_provider_id": rel.indirect_provider,
    }
    if existing is None:
        await Relationship.create(
            partner_id=rel.partner,
            customer_id=rel.customer,
            established_at=now if established else None,
            **fields,
        )
    else:
        if established and existing.established_at is None:
            fields["established_at"] = now
        await existing.update_from_dict(fields).save()
    if rel.delegated_admin:
        await delegated_admin.grant(rel.partner, rel.customer, at=now)
