import strawberry

from api.context import Info
from api.partners import service
from api.partners.types import PartnerNode, Viewer, viewer_of
from api.permissions import Capability, requires


@strawberry.type
class PartnerQueries:
    @strawberry.field
    def viewer(self, info: Info) -> Viewer:
        return viewer_of(info)

    @strawberry.field(
        description="The indirect providers an indirect reseller is linked to.",
        extensions=[requires(Capability.VIEW_PARTNERS)],
    )
    async def indirect_providers(self, info: Info) -> list[PartnerNode]:
        rows = await service.linked_providers(info.context.viewer_partner)
        return [PartnerNode.from_row(row) for row in rows]
