"""Writing and reading the audit log. Entries are written inside the transaction of
the change they describe, so the log never tells of a change that was rolled back."""

from typing import Any
from uuid import UUID

from tortoise.queryset import QuerySet

from api.actors import Actor
from api.audit.models import AuditAction, AuditEvent
from api.db.keyset import Ordering, newest_first
from api.partners.models import Partner

NEWEST_FIRST: Ordering[AuditEvent] = newest_first("auditEvents", "occurred_at")


async def record(
    actor: Actor,
    *,
    partner_id: UUID,
    action: AuditAction,
    customer_tenant_id: UUID | str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """An entry in the log of `partner_id` (an acceptance, say, is logged for the
    inviting partner and for the named indirect provider)."""
    return await AuditEvent.create(
        partner_id=partner_id,
        action=action,
        actor_user_id=actor.user_id,
        actor_tenant_id=str(actor.tenant_id),
        customer_tenant_id=str(customer_tenant_id) if customer_tenant_id else None,
        details=details or {},
    )


def events_of(partner: Partner, action: AuditAction | None = None) -> QuerySet[AuditEvent]:
    query = AuditEvent.filter(partner_id=partner.id)
    return query.filter(action=action) if action else query
