from tortoise import migrations
from tortoise.migrations import operations as ops
from enum import StrEnum
from tortoise.fields.base import OnDelete
from tortoise import fields


# The enums as they were when this migration was written (frozen, as in 0001).
class AuditAction(StrEnum):
    RELATIONSHIP_REQUESTED = "RELATIONSHIP_REQUESTED"
    INVITATION_SENT = "INVITATION_SENT"
    INVITATION_DELIVERY_FAILED = "INVITATION_DELIVERY_FAILED"
    INVITATION_CANCELLED = "INVITATION_CANCELLED"
    INVITATION_ACCEPTED = "INVITATION_ACCEPTED"
    RELATIONSHIP_REMOVED = "RELATIONSHIP_REMOVED"
    DELEGATED_ADMIN_REVOKED = "DELEGATED_ADMIN_REVOKED"
    RELATIONSHIP_REMOVAL_FAILED = "RELATIONSHIP_REMOVAL_FAILED"
    RELATIONSHIP_REMOVAL_RETRIED = "RELATIONSHIP_REMOVAL_RETRIED"
    ORDER_PLACED = "ORDER_PLACED"
    WEBHOOK_SUBSCRIPTION_CREATED = "WEBHOOK_SUBSCRIPTION_CREATED"
    WEBHOOK_SUBSCRIPTION_UPDATED = "WEBHOOK_SUBSCRIPTION_UPDATED"
    WEBHOOK_SUBSCRIPTION_DELETED = "WEBHOOK_SUBSCRIPTION_DELETED"
    WEBHOOK_SECRET_ROTATED = "WEBHOOK_SECRET_ROTATED"
    WEBHOOK_SUBSCRIPTION_DISABLED = "WEBHOOK_SUBSCRIPTION_DISABLED"
    PARTNER_CENTER_NOTIFIED = "PARTNER_CENTER_NOTIFIED"
    CUSTOMERS_SYNCED = "CUSTOMERS_SYNCED"


class AcquisitionChannel(StrEnum):
    OWN_MARKETING = "OWN_MARKETING"
    MICROSOFT_REFERRAL = "MICROSOFT_REFERRAL"
    INDIRECT_PROVIDER = "INDIRECT_PROVIDER"


class RemovalErrorCode(StrEnum):
    OTHER_PARTNER_ACCOUNT = "OTHER_PARTNER_ACCOUNT"
    REFUSED_BY_PARTNER_CENTER = "REFUSED_BY_PARTNER_CENTER"
    PARTNER_CENTER_UNAVAILABLE = "PARTNER_CENTER_UNAVAILABLE"


class Migration(migrations.Migration):
    dependencies = [('models', '0012_attestation_language')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='AuditEvent',
            name='action',
            field=fields.CharEnumField(description='RELATIONSHIP_REQUESTED: RELATIONSHIP_REQUESTED\nINVITATION_SENT: INVITATION_SENT\nINVITATION_DELIVERY_FAILED: INVITATION_DELIVERY_FAILED\nINVITATION_CANCELLED: INVITATION_CANCELLED\nINVITATION_ACCEPTED: INVITATION_ACCEPTED\nRELATIONSHIP_REMOVED: RELATIONSHIP_REMOVED\nDELEGATED_ADMIN_REVOKED: DELEGATED_ADMIN_REVOKED\nRELATIONSHIP_REMOVAL_FAILED: RELATIONSHIP_REMOVAL_FAILED\nRELATIONSHIP_REMOVAL_RETRIED: RELATIONSHIP_REMOVAL_RETRIED\nORDER_PLACED: ORDER_PLACED\nWEBHOOK_SUBSCRIPTION_CREATED: WEBHOOK_SUBSCRIPTION_CREATED\nWEBHOOK_SUBSCRIPTION_UPDATED: WEBHOOK_SUBSCRIPTION_UPDATED\nWEBHOOK_SUBSCRIPTION_DELETED: WEBHOOK_SUBSCRIPTION_DELETED\nWEBHOOK_SECRET_ROTATED: WEBHOOK_SECRET_ROTATED\nWEBHOOK_SUBSCRIPTION_DISABLED: WEBHOOK_SUBSCRIPTION_DISABLED\nPARTNER_CENTER_NOTIFIED: PARTNER_CENTER_NOTIFIED\nCUSTOMERS_SYNCED: CUSTOMERS_SYNCED', enum_type=AuditAction, max_length=40),
        ),
        ops.AddField(
            model_name='RelationshipRemoval',
            name='error_code',
            field=fields.CharEnumField(null=True, description='OTHER_PARTNER_ACCOUNT: OTHER_PARTNER_ACCOUNT\nREFUSED_BY_PARTNER_CENTER: REFUSED_BY_PARTNER_CENTER\nPARTNER_CENTER_UNAVAILABLE: PARTNER_CENTER_UNAVAILABLE', enum_type=RemovalErrorCode, max_length=32),
        ),
        ops.AddField(
            model_name='RelationshipRemoval',
            name='relationship_channel',
            field=fields.CharEnumField(null=True, description='OWN_MARKETING: OWN_MARKETING\nMICROSOFT_REFERRAL: MICROSOFT_REFERRAL\nINDIRECT_PROVIDER: INDIRECT_PROVIDER', enum_type=AcquisitionChannel, max_length=32),
        ),
        ops.AddField(
            model_name='RelationshipRemoval',
            name='relationship_established_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='RelationshipRemoval',
            name='relationship_indirect_provider',
            field=fields.ForeignKeyField('models.Partner', source_field='relationship_indirect_provider_id', null=True, db_constraint=True, to_field='id', related_name='removals_as_indirect_provider', on_delete=OnDelete.SET_NULL),
        ),
        ops.AddField(
            model_name='RelationshipRemoval',
            name='restored_relationship',
            field=fields.ForeignKeyField('models.Relationship', source_field='restored_relationship_id', null=True, db_constraint=True, to_field='id', related_name='failed_removals', on_delete=OnDelete.SET_NULL),
        ),
        ops.AddField(
            model_name='RelationshipRemoval',
            name='retries',
            field=fields.IntField(default=0, db_default=0),
        ),
    ]
