from uuid import UUID

from api.partners.models import Partner, PartnerKind, ProviderLink


async def partner_for_tenant(tenant_id: UUID) -> Partner | None:
    return await Partner.get_or_none(tenant_id=tenant_id)


async def linked_providers(reseller: Partner) -> list[Partner]:
    if reseller.kind is not PartnerKind.INDIRECT_RESELLER:
        return []
    return await Partner.filter(reseller_links__reseller_id=reseller.id).order_by("name", "id")


async def are_linked(provider_id: UUID, reseller_id: UUID) -> bool:
    return await ProviderLink.exists(provider_id=provider_id, reseller_id=reseller_id)


async def visible_partners(viewer: Partner, ids: set[UUID]) -> list[Partner]:
    """The viewer itself and the partners it is linked with, among `ids`."""
    linked = ProviderLink.filter(provider_id=viewer.id).values_list("reseller_id", flat=True)
    linked_to = ProviderLink.filter(reseller_id=viewer.id).values_list("provider_id", flat=True)
    visible = {viewer.id, *await linked, *await linked_to}
    return await Partner.filter(id__in=ids & visible)
