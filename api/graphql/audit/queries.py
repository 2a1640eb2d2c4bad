import strawberry

from api.audit.log import NEWEST_FIRST, events_of
from api.graphql.audit.types import AuditAction, AuditEventNode
from api.graphql.context import Info
from api.graphql.pagination import Connection, paginate
from api.graphql.permissions import guard
from api.permissions import Capability


@strawberry.type
class AuditQueries:
    @strawberry.field(**guard(Capability.VIEW_AUDIT_LOG))
    async def audit_events(
        self,
        info: Info,
        first: int | None = 50,
        after: str | None = None,
        action: AuditAction | None = None,
    ) -> Connection[AuditEventNode]:
        return await paginate(
            events_of(info.context.viewer_partner, action),
            NEWEST_FIRST,
            first=50 if first is None else first,
            after=after,
            to_node=AuditEventNode.of,
        )
