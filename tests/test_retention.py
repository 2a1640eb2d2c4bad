"""What is kept only a while is deleted once its retention has passed, by the worker's
hourly purge: webhook deliveries made or given up, and received Partner Center
notifications (docs/behaviour.md, "Work after the commit"). What is still being worked on stays,
however old."""

from datetime import UTC, datetime, timedelta

from api.relationships.models import PartnerCenterNotification
from api.settings import Settings
from api.webhooks.models import WebhookDelivery, WebhookDeliveryStatus, WebhookEventType
from tests.support import factories
from tests.support.servers import ApiServer
from tests.support.webhook_receiver import receiving
from tests.test_webhooks import subscribe, worker_settings  # noqa: F401 - a fixture
from workers import worker_options
from workers.periodic import purge_kept_records

DELIVERED, FAILED, PENDING = (
    WebhookDeliveryStatus.DELIVERED,
    WebhookDeliveryStatus.FAILED,
    WebhookDeliveryStatus.PENDING,
)


async def test_the_purge_deletes_finished_deliveries_and_notifications_past_retention(
    api: ApiServer,
    worker_settings: Settings,  # noqa: F811 - the fixture
) -> None:
    settings = worker_settings
    partner = await factories.partner()
    async with receiving() as receiver:
        subscription, _ = await subscribe(partner, receiver, settings)
    now = datetime.now(UTC)
    past = now - timedelta(days=settings.webhook_delivery_retention_days, minutes=1)
    recent = now - timedelta(days=settings.webhook_delivery_retention_days - 1)

    def delivery(status: WebhookDeliveryStatus, created_at: datetime) -> WebhookDelivery:
        return WebhookDelivery(
            subscription_id=subscription.id,
            partner_id=partner.id,
            event_type=WebhookEventType.INVITATION_SENT,
            body="{}",
            status=status,
            created_at=created_at,
        )

    # More old ones than one batch of the purge deletes.
    await WebhookDelivery.bulk_create([delivery(DELIVERED, past) for _ in range(1_200)])
    await WebhookDelivery.bulk_create(
        [delivery(FAILED, past), delivery(PENDING, past), delivery(DELIVERED, recent)]
    )
    kept_days = settings.partner_center_notification_retention_days
    long_ago = now - timedelta(days=kept_days, minutes=1)
    # About a change long ago; recent; received long ago about a change stamped ahead of
    # our clock (kept until the change is old too: a replay is refused only then).
    notifications = [
        await PartnerCenterNotification.create(
            partner_id=partner.id,
            digest=f"{number:064x}",
            event_name="test-created",
            resource_uri="https://api.partnercenter.microsoft.com/v1/webhooks/test",
            changed_at=changed_at,
            outcome="",
        )
        for number, changed_at in enumerate((long_ago, now, now + timedelta(days=1)))
    ]
    for notification in (notifications[0], notifications[2]):
        await PartnerCenterNotification.filter(id=notification.id).update(received_at=long_ago)

    purged = await purge_kept_records({"settings": settings})

    assert purged == {"webhookDeliveries": 1_201, "partnerCenterNotifications": 1}
    left = await WebhookDelivery.filter(partner_id=partner.id).values_list("status", "created_at")
    assert sorted(status for status, _ in left) == [DELIVERED, PENDING]
    left_notifications = await PartnerCenterNotification.filter(partner_id=partner.id)
    assert {n.id for n in left_notifications} == {notifications[1].id, notifications[2].id}
    assert await purge_kept_records({"settings": settings}) == {
        "webhookDeliveries": 0,
        "partnerCenterNotifications": 0,
    }


def test_the_worker_purges_every_hour(settings: Settings) -> None:
    [purge] = [
        job
        for job in worker_options(settings)["cron_jobs"]
        if job.name == "cron:purge_kept_records"
    ]
    assert purge.minute == 41
    assert purge.second == 0
