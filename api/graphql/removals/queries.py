from typing import Annotated

import strawberry

from api import validation
from api.errors import UserInputError
from api.graphql.context import Info
from api.graphql.errors import as_graphql_error
from api.graphql.pagination import Connection, paginate
from api.graphql.permissions import guard
from api.graphql.removals.types import RelationshipRemovalNode
from api.permissions import Capability
from api.removals.attestation import attestation
from api.removals.removal import NEWEST_FIRST, removals_of


@strawberry.type
class RemovalAttestation:
    version: str
    language: str | None = strawberry.field(
        description="The language of the text (ja, en); null for a text the operator set."
    )
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
    def removal_attestation(
        self,
        info: Info,
        language: Annotated[
            str | None,
            strawberry.argument(
                description="The reader's language tag (ja, ja-JP…): the text in that "
                "language, else in English."
            ),
        ] = None,
    ) -> RemovalAttestation:
        try:
            tag = validation.language_tag(language, ["language"])
        except UserInputError as error:
            raise as_graphql_error(error) from error
        current = attestation(info.context.services.settings, tag)
        return RemovalAttestation(
            version=current.version,
            language=current.language,
            text=current.text,
            legal_notice=current.legal_notice,
        )
