import strawberry

from api.context import Info
from api.invitations import acceptance, service
from api.invitations.types import InvitationNode, InvitationPreview, InvitationStatus
from api.pagination import Connection, paginate
from api.permissions import Capability, requires


@strawberry.type
class InvitationQueries:
    @strawberry.field(
        description="GLOBAL_ADMIN, ADMIN_AGENT, SALES_AGENT.",
        extensions=[requires(Capability.MANAGE_INVITATIONS)],
    )
    async def invitations(
        self,
        info: Info,
        first: int | None = 50,
        after: str | None = None,
        status: list[InvitationStatus] | None = None,
    ) -> Connection[InvitationNode]:
        query = service.visible_invitations(info.context.viewer_partner)
        if status is not None:
            query = query.filter(service.status_filter(status, service.now()))
        return await paginate(
            query,
            service.NEWEST_FIRST,
            first=50 if first is None else first,
            after=after,
            to_node=InvitationNode.from_row,
        )

    @strawberry.field(description="Customer side: any authenticated principal holding the token.")
    async def invitation_preview(self, info: Info, token: str) -> InvitationPreview | None:
        found = await acceptance.preview(token)
        if found is None:
            return None
        invitation, partner, provider = found
        return InvitationPreview(
            partner_name=partner.name,
            partner_id=partner.partner_id,
            indirect_provider_name=provider.name if provider else None,
            include_delegated_admin=invitation.include_delegated_admin,
            kind=invitation.kind,
            status=service.effective_status(invitation),
            expires_at=invitation.expires_at,
        )
