from typing import Any

import strawberry

from api import validation
from api.graphql import ids
from api.graphql.context import Info
from api.graphql.errors import UserError
from api.graphql.mutations import mutation
from api.graphql.removals.types import RelationshipRemovalNode
from api.permissions import Capability
from api.removals.attestation import Attestation, attestation
from api.removals.removal import remove
from api.removals.retry import retry


def _attestation_language() -> Any:
    # A field of its own for each input: strawberry names the field it is given.
    return strawberry.field(
        default=None,
        description="The language of the attestation shown (as asked of "
        "removalAttestation); English when not given.",
    )


@strawberry.input
class RemoveResellerRelationshipInput:
    customer_id: strawberry.ID
    attestation_accepted: bool = strawberry.field(
        description="The partner represents that the decision was made in good faith for a "
        "legitimate business purpose."
    )
    reason: str | None = None
    attestation_language: str | None = _attestation_language()


@strawberry.type
class RemoveResellerRelationshipPayload:
    removal: RelationshipRemovalNode | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class RetryRemovalInput:
    removal_id: strawberry.ID
    attestation_accepted: bool = strawberry.field(
        description="The partner attests again, as for the removal itself."
    )
    attestation_language: str | None = _attestation_language()


@strawberry.type
class RetryRemovalPayload:
    removal: RelationshipRemovalNode | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


def _attestation(info: Info, language: str | None) -> Attestation:
    tag = validation.language_tag(language, ["attestation_language"])
    return attestation(info.context.services.settings, tag)


@strawberry.type
class RemovalMutations:
    @mutation(Capability.MANAGE_REMOVALS)
    async def remove_reseller_relationship(
        self, info: Info, input: RemoveResellerRelationshipInput
    ) -> RemoveResellerRelationshipPayload:
        removal = await remove(
            info.context.viewer,
            ids.decode(input.customer_id, "Customer", ["customer_id"]),
            attestation=_attestation(info, input.attestation_language),
            attestation_accepted=input.attestation_accepted,
            reason=input.reason,
        )
        return RemoveResellerRelationshipPayload(removal=RelationshipRemovalNode.of(removal))

    @mutation(
        Capability.MANAGE_REMOVALS,
        description="Asks Partner Center again to end a relationship whose removal failed "
        "(the customer leaves the list again). {roles}.",
    )
    async def retry_removal(self, info: Info, input: RetryRemovalInput) -> RetryRemovalPayload:
        removal = await retry(
            info.context.viewer,
            ids.decode(input.removal_id, "RelationshipRemoval", ["removal_id"]),
            attestation=_attestation(info, input.attestation_language),
            attestation_accepted=input.attestation_accepted,
        )
        return RetryRemovalPayload(removal=RelationshipRemovalNode.of(removal))
