"""Reading partners: by tenant, and the providers and resellers they are linked with."""

from uuid import UUID

from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from api.partners.models import Partner, PartnerKind, ProviderLink


async def partner_for_tenant(tenant_id: UUID) -> Partner | None:
    return await Partner.get_or_none(tenant_id=tenant_id)


async def linked_providers(reseller: Partner) -> list[Partner]:
    if reseller.kind is not PartnerKind.INDIRECT_RESELLER:
        return []
    return await Partner.filter(reseller_links__reseller_id=reseller.id).order_by("name", "id")


async def are_linked(provider_id: UUID, reseller_id: UUID) -> bool:
    return await ProviderLink.exists(provider_id=provider_id, reseller_id=reseller_id)


def visible_partners(viewer: Partner) -> QuerySet[Partner]:
    """The viewer itself and the partners it is linked with."""
    resellers = ProviderLink.filter(provider_id=viewer.id).values("reseller_id")
    providers = ProviderLink.filter(reseller_id=viewer.id).values("provider_id")
    return Partner.filter(
        Q(id=viewer.id) | Q(id__in=Subquery(resellers)) | Q(id__in=Subquery(providers))
    )
