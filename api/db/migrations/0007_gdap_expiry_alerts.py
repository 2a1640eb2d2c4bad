from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise import fields
from enum import StrEnum


# The enum as it was when this migration was written (frozen, as in 0001).
class WebhookEventType(StrEnum):
    RESELLER_RELATIONSHIP_ACCEPTED_BY_CUSTOMER = "reseller-relationship-accepted-by-customer"
    RESELLER_RELATIONSHIP_REMOVED = "reseller-relationship-removed"
    DAP_ADMIN_RELATIONSHIP_TERMINATED = "dap-admin-relationship-terminated"
    GRANULAR_ADMIN_RELATIONSHIP_EXPIRED = "granular-admin-relationship-expired"
    GRANULAR_ADMIN_RELATIONSHIP_EXPIRING = "granular-admin-relationship-expiring"
    INVITATION_SENT = "invitation-sent"
    INVITATION_FAILED = "invitation-failed"
    INVITATION_EXPIRED = "invitation-expired"


class Migration(migrations.Migration):
    dependencies = [('models', '0006_customer_sync')]

    initial = False

    operations = [
        ops.AddField(
            model_name='GdapRelationship',
            name='expiry_alerts_sent',
            field=fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AlterField(
            model_name='WebhookDelivery',
            name='event_type',
            field=fields.CharEnumField(description='RESELLER_RELATIONSHIP_ACCEPTED_BY_CUSTOMER: reseller-relationship-accepted-by-customer\nRESELLER_RELATIONSHIP_REMOVED: reseller-relationship-removed\nDAP_ADMIN_RELATIONSHIP_TERMINATED: dap-admin-relationship-terminated\nGRANULAR_ADMIN_RELATIONSHIP_EXPIRED: granular-admin-relationship-expired\nGRANULAR_ADMIN_RELATIONSHIP_EXPIRING: granular-admin-relationship-expiring\nINVITATION_SENT: invitation-sent\nINVITATION_FAILED: invitation-failed\nINVITATION_EXPIRED: invitation-expired', enum_type=WebhookEventType, max_length=60),
        ),
    ]
