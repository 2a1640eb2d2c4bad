import strawberry

from api.graphql.context import Info
from api.graphql.invitations.types import (
    InvitationKind,
    InvitationNode,
    InvitationPreview,
    InvitationStatus,
    KnownOrganisation,
)
from api.graphql.pagination import Connection, paginate
from api.graphql.permissions import guard
from api.invitations.acceptance import for_another_organisation, known_organisation, preview
from api.invitations.queries import NEWEST_FIRST, visible_invitations
from api.invitations.status import effective_status, now, status_filter
from api.permissions import Capability


@strawberry.type
class InvitationQueries:
    @strawberry.field(**guard(Capability.MANAGE_INVITATIONS))
    async def invitations(
        self,
        info: Info,
        first: int | None = 50,
        after: str | None = None,
        status: list[InvitationStatus] | None = None,
    ) -> Connection[InvitationNode]:
        query = visible_invitations(info.context.viewer_partner)
        if status is not None:
            query = query.filter(status_filter(status, now()))
        return await paginate(
            query,
            NEWEST_FIRST,
            first=50 if first is None else first,
            after=after,
            to_node=InvitationNode.of,
        )

    @strawberry.field(description="Customer side: any authenticated principal holding the token.")
    async def invitation_preview(self, info: Info, token: str) -> InvitationPreview | None:
        found = await preview(token)
        if found is None:
            return None
        invitation, partner, provider = found.invitation, found.partner, found.indirect_provider
        known = await known_organisation(info.context.actor) if info.context.actor else None
        return InvitationPreview(
            partner_name=partner.name,
            partner_id=partner.partner_id,
            indirect_provider_name=provider.name if provider else None,
            include_delegated_admin=invitation.include_delegated_admin,
            kind=invitation.kind,
            status=effective_status(invitation),
            expires_at=invitation.expires_at,
            your_organisation=KnownOrganisation(
                company_name=known.company_name, default_domain=known.default_domain
            )
            if known
            else None,
            company_details_needed=invitation.kind is InvitationKind.NEW_CUSTOMER and not known,
            for_another_organisation=info.context.actor is not None
            and for_another_organisation(invitation, known),
        )
