import strawberry

from api.graphql.context import Info
from api.graphql.partners.types import PartnerNode, Viewer, viewer_of
from api.graphql.permissions import guard
from api.partners.queries import linked_providers
from api.permissions import Capability


@strawberry.type
class PartnerQueries:
    @strawberry.field
    def viewer(self, info: Info) -> Viewer:
        return viewer_of(info)

    @strawberry.field(
        **guard(
            Capability.VIEW_PARTNERS,
            "The indirect providers an indirect reseller is linked to.",
        )
    )
    async def indirect_providers(self, info: Info) -> list[PartnerNode]:
        rows = await linked_providers(info.context.viewer_partner)
        return [PartnerNode.of(row) for row in rows]
