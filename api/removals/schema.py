import strawberry

from api.context import Info
from api.errors import UserError
from api.mutations import respond
from api.pagination import Connection, paginate
from api.permissions import Capability, requires
from api.removals import service
from api.removals.types import RelationshipRemovalNode


@strawberry.input
class RemoveResellerRelationshipInput:
    customer_id: strawberry.ID
    attestation_accepted: bool = strawberry.field(
        description="The partner represents that the decision was made in good faith for a "
        "legitimate business purpose."
    )
    reason: str | None = None


@strawberry.type
class RemoveResellerRelationshipPayload:
    removal: RelationshipRemovalNode | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class RemovalAttestation:
    version: str
    text: str
    legal_notice: str


@strawberry.type
class RemovalQueries:
    @strawberry.field(
        description="GLOBAL_ADMIN, ADMIN_AGENT, SALES_AGENT.",
        extensions=[requires(Capability.MANAGE_REMOVALS)],
    )
    async def relationship_removals(
        self, info: Info, first: int | None = 50, after: str | None = None
    ) -> Connection[RelationshipRemovalNode]:
        return await paginate(
            service.removals_of(info.context.viewer_partner),
            service.NEWEST_FIRST,
            first=50 if first is None else first,
            after=after,
            to_node=RelationshipRemovalNode.from_row,
        )

    @strawberry.field(
        description="The attestation a partner accepts when removing a relationship, and "
        "the reminder shown with it. GLOBAL_ADMIN, ADMIN_AGENT, SALES_AGENT.",
        extensions=[requires(Capability.MANAGE_REMOVALS)],
    )
    def removal_attestation(self) -> RemovalAttestation:
        return RemovalAttestation(
            version=service.ATTESTATION_VERSION,
            text=service.ATTESTATION_TEXT,
            legal_notice=service.LEGAL_NOTICE,
        )


@strawberry.type
class RemovalMutations:
    @strawberry.mutation(
        description="GLOBAL_ADMIN, ADMIN_AGENT, SALES_AGENT.",
        extensions=[requires(Capability.MANAGE_REMOVALS)],
    )
    async def remove_reseller_relationship(
        self, info: Info, input: RemoveResellerRelationshipInput
    ) -> RemoveResellerRelationshipPayload:
        async def run() -> RemoveResellerRelationshipPayload:
            removal = await service.remove(
                info.context,
                customer_id=input.customer_id,
                attestation_accepted=input.attestation_accepted,
                reason=input.reason,
            )
            return RemoveResellerRelationshipPayload(
                removal=RelationshipRemovalNode.from_row(removal)
            )

        return await respond(info, RemoveResellerRelationshipPayload, run)
