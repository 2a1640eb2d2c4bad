"""The audit log as a partner reads it: `auditEvents`, newest first, by action."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from strawberry.relay import to_base64

from api.actors import Actor
from api.audit.log import record
from api.audit.models import AuditAction, AuditEvent
from api.partners.models import Partner
from tests.support import factories
from tests.support.graphql import GraphQLClient

EVENTS = """
query($first: Int, $after: String, $action: AuditAction) {
  auditEvents(first: $first, after: $after, action: $action) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id action actorUserId actorTenantId customerTenantId occurredAt details } }
  }
}
"""
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
# (action, seconds after T0): equal times (ties broken by id), whole and fractional seconds.
LOG = [
    (AuditAction.RELATIONSHIP_REQUESTED, 0),
    (AuditAction.INVITATION_SENT, 1),
    (AuditAction.INVITATION_ACCEPTED, 1.5),
    (AuditAction.ORDER_PLACED, 2),
    (AuditAction.ORDER_PLACED, 2),
    (AuditAction.ORDER_PLACED, 2),
    (AuditAction.RELATIONSHIP_REMOVED, 61.25),
]


async def write_log(partner: Partner) -> list[AuditEvent]:
    """The LOG entries, written through the audit service, at their times."""
    events = []
    for index, (action, seconds) in enumerate(LOG):
        customer_tenant = uuid.uuid4()
        event = await record(
            Actor(user_id=f"user-{index}", tenant_id=partner.tenant_id),
            partner_id=partner.id,
            action=action,
            customer_tenant_id=customer_tenant,
            details={"index": index, "note": "日本語"},
        )
        event.occurred_at = T0 + timedelta(seconds=seconds)
        await AuditEvent.filter(id=event.id).update(occurred_at=event.occurred_at)
        events.append(event)
    return events


def newest_first(events: list[AuditEvent]) -> list[str]:
    ordered = sorted(events, key=lambda e: (e.occurred_at, str(e.id)), reverse=True)
    return [to_base64("AuditEvent", event.id) for event in ordered]


async def read_log(gql: GraphQLClient, partner: Partner, **variables: Any) -> dict[str, Any]:
    token = gql.token(partner.tenant_id, "ADMIN_AGENT")
    connection: dict[str, Any] = (await gql(EVENTS, variables, token=token)).ok()["auditEvents"]
    return connection


def node_ids(connection: dict[str, Any]) -> list[str]:
    return [edge["node"]["id"] for edge in connection["edges"]]


async def test_events_come_newest_first_with_their_fields(gql: GraphQLClient) -> None:
    partner = await factories.partner()
    events = await write_log(partner)
    await write_log(await factories.partner())  # another partner's log stays apart

    connection = await read_log(gql, partner, first=50)

    assert connection["totalCount"] == len(LOG)
    assert node_ids(connection) == newest_first(events)
    newest = connection["edges"][0]["node"]
    assert newest["action"] == "RELATIONSHIP_REMOVED"
    assert datetime.fromisoformat(newest["occurredAt"]) == T0 + timedelta(seconds=61.25)
    assert newest["actorUserId"] == "user-6"
    assert newest["actorTenantId"] == str(partner.tenant_id)
    assert newest["customerTenantId"] == events[6].customer_tenant_id
    assert newest["details"] == {"index": 6, "note": "日本語"}


@pytest.mark.parametrize("first", [1, 2, 3])
async def test_paging_through_the_log(gql: GraphQLClient, first: int) -> None:
    """Cursors at whole and fractional seconds, and between equal times."""
    partner = await factories.partner()
    events = await write_log(partner)
    walked: list[str] = []
    after = None
    for _ in range(len(LOG)):
        connection = await read_log(gql, partner, first=first, after=after)
        walked += node_ids(connection)
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
    assert walked == newest_first(events)


@pytest.mark.parametrize(
    "action",
    [AuditAction.ORDER_PLACED, AuditAction.INVITATION_SENT, AuditAction.INVITATION_CANCELLED],
)
async def test_filter_by_action(gql: GraphQLClient, action: AuditAction) -> None:
    partner = await factories.partner()
    events = await write_log(partner)
    connection = await read_log(gql, partner, action=action.value)
    matching = [event for event in events if event.action is action]
    assert connection["totalCount"] == len(matching)
    assert node_ids(connection) == newest_first(matching)
    assert {edge["node"]["action"] for edge in connection["edges"]} <= {action.value}
