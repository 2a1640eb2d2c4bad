"""Alerts 30, 7 and 1 days before a GDAP relationship ends, each once
(docs/behaviour.md, "Webhooks")."""

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from api.relationships.gdap_expiry import alert_expiring
from api.relationships.models import GdapRelationship, GdapStatus
from api.settings import Settings
from api.webhooks.models import WebhookEventType
from tests.support import factories
from tests.support.jobs import drain
from tests.support.servers import ApiServer
from tests.support.webhook_receiver import Receiver, receiving
from tests.test_webhooks import subscribe, worker_settings  # noqa: F401 - a fixture

EXPIRING = WebhookEventType.GRANULAR_ADMIN_RELATIONSHIP_EXPIRING


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    async with receiving() as running:
        yield running


async def gdap_ending(partner: object, after: timedelta, name: str) -> GdapRelationship:
    customer = await factories.customer(name)
    gdap = await factories.gdap(partner, customer, name)  # type: ignore[arg-type]
    await GdapRelationship.filter(id=gdap.id).update(ends_at=datetime.now(UTC) + after)
    return gdap


async def test_each_alert_goes_once_and_only_the_most_urgent_one_due(
    api: ApiServer,
    worker_settings: Settings,  # noqa: F811 - the fixture
    receiver: Receiver,
) -> None:
    partner = await factories.partner()
    await subscribe(partner, receiver, worker_settings, EXPIRING)
    soon = await gdap_ending(partner, timedelta(days=6, hours=12), "Soon")
    await gdap_ending(partner, timedelta(days=29), "Later")
    await gdap_ending(partner, timedelta(days=40), "Far")
    ended = await gdap_ending(partner, timedelta(days=3), "Ended")
    await GdapRelationship.filter(id=ended.id).update(status=GdapStatus.TERMINATED)

    # Twice: the second run finds nothing new (other tests' relationships may be due
    # too, so what this partner's receiver gets is what counts).
    await alert_expiring()
    await alert_expiring()
    await drain(worker_settings)

    assert len(receiver.received) == 2
    alerts = {
        json.loads(r.body)["data"]["displayName"]: json.loads(r.body)["data"]
        for r in receiver.received
    }
    assert set(alerts) == {"Soon", "Later"}
    assert (alerts["Soon"]["daysLeft"], alerts["Later"]["daysLeft"]) == (7, 30)
    await soon.refresh_from_db()
    assert soon.expiry_alerts_sent == [7, 30]  # the 30-day one it missed is not sent late

    # A day before, the last one.
    now = soon.ends_at - timedelta(hours=20)
    await alert_expiring(now)  # "Later", 22 days away then, has had its 30-day alert
    await drain(worker_settings)
    assert [json.loads(r.body)["data"]["daysLeft"] for r in receiver.received[2:]] == [1]
