"""Bringing a partner's GDAP relationships in from Microsoft Graph
(`GET /tenantRelationships/delegatedAdminRelationships`), after its customers, in the
same sync (docs/behaviour.md, "Customer sync").

Each relationship is matched by its Graph id (or adopts a row recorded here for the
same customer and name before its id was known) and written only when its status,
name, roles, end or auto-extension changed, so a second run writes nothing. One whose
customer Partner Connect does not know is counted failed: the customer sync before it
brings every customer Partner Center lists. Nothing is deleted: Graph keeps ended
relationships listed as `expired` or `terminated`, and so do we.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from api import validation
from api.customers.models import Customer
from api.db.transaction import atomic
from api.partners.models import Partner
from api.relationships.entra_roles import role_name
from api.relationships.models import GdapRelationship, GdapStatus
from api.relationships.tally import Tally

# Graph's delegatedAdminRelationshipStatus, as our four states.
STATUSES = {
    "approvalpending": GdapStatus.APPROVAL_PENDING,
    "created": GdapStatus.APPROVAL_PENDING,
    "approved": GdapStatus.ACTIVE,
    "activating": GdapStatus.ACTIVE,
    "active": GdapStatus.ACTIVE,
    "expiring": GdapStatus.ACTIVE,
    "expired": GdapStatus.EXPIRED,
    "terminationrequested": GdapStatus.TERMINATED,
    "terminating": GdapStatus.TERMINATED,
    "terminated": GdapStatus.TERMINATED,
}
_DAYS = re.compile(r"^P(\d{1,4})D$")
_ROLE = re.compile(r"^[0-9a-fA-F-]{36}$")
NO_AUTO_EXTENSION = "PT0S"


def _datetime(value: object) -> datetime | None:
    return datetime.fromisoformat(str(value).replace("Z", "+00:00")) if value else None


@dataclass(frozen=True)
class ListedGdap:
    """A GDAP relationship as Graph lists it, checked like any input."""

    graph_id: str
    customer_tenant_id: UUID
    display_name: str
    status: GdapStatus
    roles: list[str]
    ends_at: datetime
    # An ISO 8601 duration ("P180D"), or None: it ends at `ends_at`.
    auto_extend_duration: str | None

    @classmethod
    def read(cls, item: Mapping[str, Any]) -> "ListedGdap":
        graph_id = str(item["id"])
        if not re.fullmatch(r"[A-Za-z0-9-]{1,100}", graph_id):
            raise ValueError("not a Graph relationship id")
        roles = [
            str(role["roleDefinitionId"])
            for role in (item.get("accessDetails") or {}).get("unifiedRoles") or []
        ]
        if not all(_ROLE.match(role) for role in roles):
            raise ValueError("not a role definition id")
        ends_at = _datetime(item.get("endDateTime"))
        if ends_at is None:  # not yet approved: its end is its duration from now on
            days = _DAYS.match(str(item.get("duration", "")))
            created = _datetime(item.get("createdDateTime"))
            if days is None or created is None:
                raise ValueError("no end and no duration")
            ends_at = created + timedelta(days=int(days[1]))
        extension = str(item.get("autoExtendDuration") or NO_AUTO_EXTENSION)
        if not re.fullmatch(r"P[0-9DTHMS]{1,20}", extension):
            raise ValueError("not a duration")
        return cls(
            graph_id=graph_id,
            customer_tenant_id=UUID(str(item["customer"]["tenantId"])),
            display_name=validation.text(
                str(item.get("displayName") or ""), ["display_name"], max_length=200
            ),
            status=STATUSES[str(item["status"]).lower()],
            roles=sorted(role_name(role) for role in roles),
            ends_at=ends_at,
            auto_extend_duration=None if extension == NO_AUTO_EXTENSION else extension,
        )

    def fields(self) -> dict[str, Any]:
        return {
            "graph_id": self.graph_id,
            "display_name": self.display_name,
            "status": self.status,
            "roles": self.roles,
            "ends_at": self.ends_at,
            "auto_extend_duration": self.auto_extend_duration,
        }


def _differs(row: GdapRelationship, wanted: dict[str, Any]) -> bool:
    return any(getattr(row, name) != value for name, value in wanted.items())


async def apply(partner: Partner, page: list[ListedGdap]) -> Tally:
    """One page, in one transaction over the rows it names, locked."""
    tally = Tally()
    if not page:
        return tally
    async with atomic():
        customers = dict(
            await Customer.filter(tenant_id__in=[r.customer_tenant_id for r in page]).values_list(
                "tenant_id", "id"
            )
        )
        rows = await GdapRelationship.filter(
            partner_id=partner.id, customer_id__in=list(customers.values())
        ).select_for_update()
        by_graph_id = {row.graph_id: row for row in rows if row.graph_id}
        unnamed = {(row.customer_id, row.display_name): row for row in rows if not row.graph_id}
        for relationship in page:
            customer_id = customers.get(relationship.customer_tenant_id)
            if customer_id is None:
                tally.failed += 1
                continue
            wanted = relationship.fields()
            row = by_graph_id.get(relationship.graph_id) or unnamed.pop(
                (customer_id, relationship.display_name), None
            )
            if row is None:
                await GdapRelationship.create(
                    partner_id=partner.id, customer_id=customer_id, **wanted
                )
                tally.created += 1
            elif _differs(row, wanted):
                await GdapRelationship.filter(id=row.id).update(**wanted)
                tally.updated += 1
            else:
                tally.unchanged += 1
    return tally
