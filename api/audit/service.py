"""Writing and reading the audit log. Entries are written inside the transaction of
the change they describe, so the log never tells of a change that was rolled back."""

from typing import Any
from uuid import UUID

from tortoise.queryset import QuerySet

from api.audit.models import AuditAction, AuditEvent
from api.pagination import Ordering, newest_first
from api.partners.models import Partner

NEWEST_FIRST: Ordering[AuditEvent] = newest_first("occurred_at")


async def record(
    *,
    partner_id: UUID,
    action: AuditAction,
    actor_user_id: str,
    actor_tenant_id: UUID | str,
    customer_tenant_id: UUID | str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    return await AuditEvent.create(
        partner_id=partner_id,
        action=action,
        actor_user_id=actor_user_id,
        actor_tenant_id=str(actor_tenant_id),
        customer_tenant_id=str(customer_tenant_id) if customer_tenant_id else None,
        details=details or {},
    )


def events_of(partner: Partner, action: AuditAction | None = None) -> QuerySet[AuditEvent]:
    query = AuditEvent.filter(partner_id=partner.id)
    return query.filter(action=action) if action else query
