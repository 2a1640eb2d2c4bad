from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index
from enum import StrEnum


# The enums as they were when this migration was written (frozen, as in 0001).
class AuditAction(StrEnum):
    RELATIONSHIP_REQUESTED = "RELATIONSHIP_REQUESTED"
    INVITATION_SENT = "INVITATION_SENT"
    INVITATION_DELIVERY_FAILED = "INVITATION_DELIVERY_FAILED"
    INVITATION_CANCELLED = "INVITATION_CANCELLED"
    INVITATION_ACCEPTED = "INVITATION_ACCEPTED"
    RELATIONSHIP_REMOVED = "RELATIONSHIP_REMOVED"
    DELEGATED_ADMIN_REVOKED = "DELEGATED_ADMIN_REVOKED"
    ORDER_PLACED = "ORDER_PLACED"
    WEBHOOK_SUBSCRIPTION_CREATED = "WEBHOOK_SUBSCRIPTION_CREATED"
    WEBHOOK_SUBSCRIPTION_UPDATED = "WEBHOOK_SUBSCRIPTION_UPDATED"
    WEBHOOK_SUBSCRIPTION_DELETED = "WEBHOOK_SUBSCRIPTION_DELETED"
    WEBHOOK_SECRET_ROTATED = "WEBHOOK_SECRET_ROTATED"
    WEBHOOK_SUBSCRIPTION_DISABLED = "WEBHOOK_SUBSCRIPTION_DISABLED"


class WebhookEventType(StrEnum):
    RESELLER_RELATIONSHIP_ACCEPTED_BY_CUSTOMER = "reseller-relationship-accepted-by-customer"
    RESELLER_RELATIONSHIP_REMOVED = "reseller-relationship-removed"
    DAP_ADMIN_RELATIONSHIP_TERMINATED = "dap-admin-relationship-terminated"
    INVITATION_SENT = "invitation-sent"
    INVITATION_FAILED = "invitation-failed"
    INVITATION_EXPIRED = "invitation-expired"


class WebhookDeliveryStatus(StrEnum):
    PENDING = "PENDING"
    DELIVERED = "DELIVERED"
    FAILED = "FAILED"


class Migration(migrations.Migration):
    dependencies = [('models', '0003_search_trigram_index')]

    initial = False

    operations = [
        ops.CreateModel(
            name='WebhookSubscription',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('partner', fields.ForeignKeyField('models.Partner', source_field='partner_id', db_constraint=True, to_field='id', related_name='webhook_subscriptions', on_delete=OnDelete.CASCADE)),
                ('url', fields.CharField(max_length=2000)),
                ('events', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('description', fields.CharField(null=True, max_length=200)),
                ('secret', fields.CharField(max_length=100)),
                ('previous_secret', fields.CharField(null=True, max_length=100)),
                ('previous_secret_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('enabled', fields.BooleanField(default=True)),
                ('disabled_reason', fields.CharField(null=True, max_length=300)),
                ('consecutive_failures', fields.IntField(default=0)),
                ('created_by', fields.CharField(max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'webhook_subscriptions', 'app': 'models', 'indexes': [Index(fields=['partner_id', 'created_at', 'id'])], 'pk_attr': 'id'},
            bases=['UUIDModel'],
        ),
        ops.CreateModel(
            name='WebhookDelivery',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('subscription', fields.ForeignKeyField('models.WebhookSubscription', source_field='subscription_id', db_constraint=True, to_field='id', related_name='deliveries', on_delete=OnDelete.CASCADE)),
                ('partner', fields.ForeignKeyField('models.Partner', source_field='partner_id', db_constraint=True, to_field='id', related_name='webhook_deliveries', on_delete=OnDelete.CASCADE)),
                ('event_type', fields.CharEnumField(description='RESELLER_RELATIONSHIP_ACCEPTED_BY_CUSTOMER: reseller-relationship-accepted-by-customer\nRESELLER_RELATIONSHIP_REMOVED: reseller-relationship-removed\nDAP_ADMIN_RELATIONSHIP_TERMINATED: dap-admin-relationship-terminated\nINVITATION_SENT: invitation-sent\nINVITATION_FAILED: invitation-failed\nINVITATION_EXPIRED: invitation-expired', enum_type=WebhookEventType, max_length=60)),
                ('body', fields.TextField(unique=False)),
                ('status', fields.CharEnumField(description='PENDING: PENDING\nDELIVERED: DELIVERED\nFAILED: FAILED', enum_type=WebhookDeliveryStatus, max_length=16)),
                ('attempts', fields.IntField(default=0)),
                ('response_status', fields.IntField(null=True)),
                ('last_error', fields.CharField(null=True, max_length=500)),
                ('next_attempt_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('delivered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'webhook_deliveries', 'app': 'models', 'indexes': [Index(fields=['partner_id', 'created_at', 'id']), Index(fields=['subscription_id', 'created_at', 'id'])], 'pk_attr': 'id', 'table_description': 'One event for one subscription. Its id is the `webhook-id` every attempt'},
            bases=['UUIDModel'],
        ),
        ops.AlterField(
            model_name='AuditEvent',
            name='action',
            field=fields.CharEnumField(description='RELATIONSHIP_REQUESTED: RELATIONSHIP_REQUESTED\nINVITATION_SENT: INVITATION_SENT\nINVITATION_DELIVERY_FAILED: INVITATION_DELIVERY_FAILED\nINVITATION_CANCELLED: INVITATION_CANCELLED\nINVITATION_ACCEPTED: INVITATION_ACCEPTED\nRELATIONSHIP_REMOVED: RELATIONSHIP_REMOVED\nDELEGATED_ADMIN_REVOKED: DELEGATED_ADMIN_REVOKED\nORDER_PLACED: ORDER_PLACED\nWEBHOOK_SUBSCRIPTION_CREATED: WEBHOOK_SUBSCRIPTION_CREATED\nWEBHOOK_SUBSCRIPTION_UPDATED: WEBHOOK_SUBSCRIPTION_UPDATED\nWEBHOOK_SUBSCRIPTION_DELETED: WEBHOOK_SUBSCRIPTION_DELETED\nWEBHOOK_SECRET_ROTATED: WEBHOOK_SECRET_ROTATED\nWEBHOOK_SUBSCRIPTION_DISABLED: WEBHOOK_SUBSCRIPTION_DISABLED', enum_type=AuditAction, max_length=40),
        ),
    ]
