import strawberry

from api.audit import service
from api.audit.types import AuditAction, AuditEventNode
from api.context import Info
from api.pagination import Connection, paginate
from api.permissions import Capability, requires


@strawberry.type
class AuditQueries:
    @strawberry.field(
        description="GLOBAL_ADMIN, ADMIN_AGENT.", extensions=[requires(Capability.VIEW_AUDIT_LOG)]
    )
    async def audit_events(
        self,
        info: Info,
        first: int | None = 50,
        after: str | None = None,
        action: AuditAction | None = None,
    ) -> Connection[AuditEventNode]:
        return await paginate(
            service.events_of(info.context.viewer_partner, action),
            service.NEWEST_FIRST,
            first=50 if first is None else first,
            after=after,
            to_node=AuditEventNode.from_row,
        )
