import strawberry

from api import validation
from api.graphql import ids
from api.graphql.context import Info
from api.graphql.errors import UserError
from api.graphql.mutations import mutation
from api.graphql.removals.types import RelationshipRemovalNode
from api.permissions import Capability
from api.removals.attestation import attestation
from api.removals.removal import remove


@strawberry.input
class RemoveResellerRelationshipInput:
    customer_id: strawberry.ID
    attestation_accepted: bool = strawberry.field(
        description="The partner represents that the decision was made in good faith for a "
        "legitimate business purpose."
    )
    reason: str | None = None
    attestation_language: str | None = strawberry.field(
        default=None,
        description="The language of the attestation shown (as asked of removalAttestation); "
        "English when not given.",
    )


@strawberry.type
class RemoveResellerRelationshipPayload:
    removal: RelationshipRemovalNode | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class RemovalMutations:
    @mutation(Capability.MANAGE_REMOVALS)
    async def remove_reseller_relationship(
        self, info: Info, input: RemoveResellerRelationshipInput
    ) -> RemoveResellerRelationshipPayload:
        removal = await remove(
            info.context.viewer,
            ids.decode(input.customer_id, "Customer", ["customer_id"]),
            attestation=attestation(
                info.context.services.settings,
                validation.language_tag(input.attestation_language, ["attestation_language"]),
            ),
            attestation_accepted=input.attestation_accepted,
            reason=input.reason,
        )
        return RemoveResellerRelationshipPayload(removal=RelationshipRemovalNode.of(removal))
