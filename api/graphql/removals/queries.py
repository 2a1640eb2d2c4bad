import strawberry

from api.graphql.context import Info
from api.graphql.pagination import Connection, paginate
from api.graphql.permissions import guard
from api.graphql.removals.types import RelationshipRemovalNode
from api.permissions import Capability
from api.removals.attestation import LEGAL_NOTICE, attestation
from api.removals.removal import NEWEST_FIRST, removals_of


@strawberry.type
class RemovalAttestation:
    version: str
    text: str
    legal_notice: str


@strawberry.type
class RemovalQueries:
    @strawberry.field(**guard(Capability.MANAGE_REMOVALS))
    async def relationship_removals(
        self, info: Info, first: int | None = 50, after: str | None = None
    ) -> Connection[RelationshipRemovalNode]:
        return await paginate(
            removals_of(info.context.viewer_partner),
            NEWEST_FIRST,
            first=50 if first is None else first,
            after=after,
            to_node=RelationshipRemovalNode.of,
        )

    @strawberry.field(
        **guard(
            Capability.MANAGE_REMOVALS,
            "The attestation a partner accepts when removing a relationship, and the "
            "reminder shown with it. {roles}.",
        )
    )
    def removal_attestation(self, info: Info) -> RemovalAttestation:
        current = attestation(info.context.services.settings)
        return RemovalAttestation(
            version=current.version, text=current.text, legal_notice=LEGAL_NOTICE
        )
