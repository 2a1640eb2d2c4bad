from tortoise import migrations
from tortoise.migrations import operations as ops
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
    PARTNER_CENTER_NOTIFIED = "PARTNER_CENTER_NOTIFIED"


class WebhookEventType(StrEnum):
    RESELLER_RELATIONSHIP_ACCEPTED_BY_CUSTOMER = "reseller-relationship-accepted-by-customer"
    RESELLER_RELATIONSHIP_REMOVED = "reseller-relationship-removed"
    DAP_ADMIN_RELATIONSHIP_TERMINATED = "dap-admin-relationship-terminated"
    GRANULAR_ADMIN_RELATIONSHIP_EXPIRED = "granular-admin-relationship-expired"
    INVITATION_SENT = "invitation-sent"
    INVITATION_FAILED = "invitation-failed"
    INVITATION_EXPIRED = "invitation-expired"


class Migration(migrations.Migration):
    dependencies = [('models', '0004_webhooks')]

    initial = False

    operations = [
        ops.CreateModel(
            name='PartnerCenterNotification',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('partner', fields.ForeignKeyField('models.Partner', source_field='partner_id', db_constraint=True, to_field='id', related_name='partner_center_notifications', on_delete=OnDelete.CASCADE)),
                ('digest', fields.CharField(unique=True, max_length=64)),
                ('event_name', fields.CharField(max_length=100)),
                ('resource_uri', fields.CharField(max_length=2000)),
                ('changed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('received_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('outcome', fields.CharField(max_length=200)),
            ],
            options={'table': 'partner_center_notifications', 'app': 'models', 'indexes': [Index(fields=['partner_id', 'received_at'])], 'pk_attr': 'id', 'table_description': "A notification Partner Center sent about a partner's customers, kept once: a"},
            bases=['UUIDModel'],
        ),
        ops.AlterField(
            model_name='AuditEvent',
            name='action',
            field=fields.CharEnumField(description='RELATIONSHIP_REQUESTED: RELATIONSHIP_REQUESTED\nINVITATION_SENT: INVITATION_SENT\nINVITATION_DELIVERY_FAILED: INVITATION_DELIVERY_FAILED\nINVITATION_CANCELLED: INVITATION_CANCELLED\nINVITATION_ACCEPTED: INVITATION_ACCEPTED\nRELATIONSHIP_REMOVED: RELATIONSHIP_REMOVED\nDELEGATED_ADMIN_REVOKED: DELEGATED_ADMIN_REVOKED\nORDER_PLACED: ORDER_PLACED\nWEBHOOK_SUBSCRIPTION_CREATED: WEBHOOK_SUBSCRIPTION_CREATED\nWEBHOOK_SUBSCRIPTION_UPDATED: WEBHOOK_SUBSCRIPTION_UPDATED\nWEBHOOK_SUBSCRIPTION_DELETED: WEBHOOK_SUBSCRIPTION_DELETED\nWEBHOOK_SECRET_ROTATED: WEBHOOK_SECRET_ROTATED\nWEBHOOK_SUBSCRIPTION_DISABLED: WEBHOOK_SUBSCRIPTION_DISABLED\nPARTNER_CENTER_NOTIFIED: PARTNER_CENTER_NOTIFIED', enum_type=AuditAction, max_length=40),
        ),
        ops.AddField(
            model_name='GdapRelationship',
            name='graph_id',
            field=fields.CharField(null=True, unique=True, max_length=100),
        ),
        ops.AlterField(
            model_name='WebhookDelivery',
            name='event_type',
            field=fields.CharEnumField(description='RESELLER_RELATIONSHIP_ACCEPTED_BY_CUSTOMER: reseller-relationship-accepted-by-customer\nRESELLER_RELATIONSHIP_REMOVED: reseller-relationship-removed\nDAP_ADMIN_RELATIONSHIP_TERMINATED: dap-admin-relationship-terminated\nGRANULAR_ADMIN_RELATIONSHIP_EXPIRED: granular-admin-relationship-expired\nINVITATION_SENT: invitation-sent\nINVITATION_FAILED: invitation-failed\nINVITATION_EXPIRED: invitation-expired', enum_type=WebhookEventType, max_length=60),
        ),
    ]
