from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from enum import StrEnum
from json import dumps, loads
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index


# The enums as they were when this migration was written: a migration is frozen, and
# must not change meaning when the application's enums do.
class AuditAction(StrEnum):
    RELATIONSHIP_REQUESTED = "RELATIONSHIP_REQUESTED"
    INVITATION_SENT = "INVITATION_SENT"
    INVITATION_DELIVERY_FAILED = "INVITATION_DELIVERY_FAILED"
    INVITATION_CANCELLED = "INVITATION_CANCELLED"
    INVITATION_ACCEPTED = "INVITATION_ACCEPTED"
    RELATIONSHIP_REMOVED = "RELATIONSHIP_REMOVED"
    DELEGATED_ADMIN_REVOKED = "DELEGATED_ADMIN_REVOKED"
    ORDER_PLACED = "ORDER_PLACED"


class AcquisitionChannel(StrEnum):
    OWN_MARKETING = "OWN_MARKETING"
    MICROSOFT_REFERRAL = "MICROSOFT_REFERRAL"
    INDIRECT_PROVIDER = "INDIRECT_PROVIDER"


class DelegatedAdminStatus(StrEnum):
    ACTIVE = "ACTIVE"
    REVOKING = "REVOKING"
    REVOKED = "REVOKED"


class GdapStatus(StrEnum):
    APPROVAL_PENDING = "APPROVAL_PENDING"
    ACTIVE = "ACTIVE"
    EXPIRED = "EXPIRED"
    TERMINATED = "TERMINATED"


class RelationshipType(StrEnum):
    NONE = "NONE"
    RESELLER = "RESELLER"


class DeliveryMethod(StrEnum):
    EMAIL = "EMAIL"
    MANUAL = "MANUAL"


class InvitationKind(StrEnum):
    EXISTING_CUSTOMER = "EXISTING_CUSTOMER"
    NEW_CUSTOMER = "NEW_CUSTOMER"


class InvitationStatus(StrEnum):
    DRAFT = "DRAFT"
    QUEUED = "QUEUED"
    SENT = "SENT"
    ACCEPTED = "ACCEPTED"
    EXPIRED = "EXPIRED"
    CANCELLED = "CANCELLED"
    FAILED = "FAILED"


class PartnerKind(StrEnum):
    DIRECT_BILL = "DIRECT_BILL"
    INDIRECT_PROVIDER = "INDIRECT_PROVIDER"
    INDIRECT_RESELLER = "INDIRECT_RESELLER"


class RemovalStatus(StrEnum):
    PENDING = "PENDING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"


class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Customer',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('tenant_id', fields.UUIDField(unique=True)),
                ('company_name', fields.CharField(max_length=200)),
                ('default_domain', fields.CharField(max_length=253)),
                ('search_text', fields.TextField(default='', unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'customers', 'app': 'models', 'indexes': [Index(fields=['company_name', 'id']), Index(fields=['default_domain'])], 'pk_attr': 'id'},
            bases=['UUIDModel'],
        ),
        ops.CreateModel(
            name='BillingProfile',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('customer', fields.OneToOneField('models.Customer', source_field='customer_id', db_constraint=True, to_field='id', related_name='billing_profile', on_delete=OnDelete.CASCADE)),
                ('contact_name', fields.CharField(null=True, max_length=200)),
                ('contact_email', fields.CharField(max_length=254)),
                ('phone', fields.CharField(null=True, max_length=40)),
                ('culture', fields.CharField(null=True, max_length=20)),
                ('language', fields.CharField(null=True, max_length=20)),
                ('line1', fields.CharField(null=True, max_length=200)),
                ('line2', fields.CharField(null=True, max_length=200)),
                ('city', fields.CharField(null=True, max_length=100)),
                ('region', fields.CharField(null=True, max_length=100)),
                ('postal_code', fields.CharField(null=True, max_length=20)),
                ('country', fields.CharField(max_length=2)),
            ],
            options={'table': 'billing_profiles', 'app': 'models', 'pk_attr': 'id'},
            bases=['UUIDModel'],
        ),
        ops.CreateModel(
            name='OutboxJob',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('function', fields.CharField(max_length=100)),
                ('kwargs', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('enqueued_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('completed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'outbox_jobs', 'app': 'models', 'indexes': [Index(fields=['completed_at', 'enqueued_at'])], 'pk_attr': 'id'},
            bases=['UUIDModel'],
        ),
        ops.CreateModel(
            name='Partner',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('tenant_id', fields.UUIDField(unique=True)),
                ('name', fields.CharField(max_length=200)),
                ('partner_id', fields.CharField(unique=True, max_length=32)),
                ('kind', fields.CharEnumField(description='DIRECT_BILL: DIRECT_BILL\nINDIRECT_PROVIDER: INDIRECT_PROVIDER\nINDIRECT_RESELLER: INDIRECT_RESELLER', enum_type=PartnerKind, max_length=32)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'partners', 'app': 'models', 'pk_attr': 'id'},
            bases=['UUIDModel'],
        ),
        ops.CreateModel(
            name='AuditEvent',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('partner', fields.ForeignKeyField('models.Partner', source_field='partner_id', db_constraint=True, to_field='id', related_name='audit_events', on_delete=OnDelete.CASCADE)),
                ('action', fields.CharEnumField(description='RELATIONSHIP_REQUESTED: RELATIONSHIP_REQUESTED\nINVITATION_SENT: INVITATION_SENT\nINVITATION_DELIVERY_FAILED: INVITATION_DELIVERY_FAILED\nINVITATION_CANCELLED: INVITATION_CANCELLED\nINVITATION_ACCEPTED: INVITATION_ACCEPTED\nRELATIONSHIP_REMOVED: RELATIONSHIP_REMOVED\nDELEGATED_ADMIN_REVOKED: DELEGATED_ADMIN_REVOKED\nORDER_PLACED: ORDER_PLACED', enum_type=AuditAction, max_length=40)),
                ('actor_user_id', fields.CharField(max_length=200)),
                ('actor_tenant_id', fields.CharField(max_length=64)),
                ('customer_tenant_id', fields.CharField(null=True, max_length=64)),
                ('occurred_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('details', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'audit_events', 'app': 'models', 'indexes': [Index(fields=['partner_id', 'occurred_at', 'id']), Index(fields=['partner_id', 'action', 'occurred_at'])], 'pk_attr': 'id'},
            bases=['UUIDModel'],
        ),
        ops.CreateModel(
            name='DelegatedAdminGrant',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('partner', fields.ForeignKeyField('models.Partner', source_field='partner_id', db_constraint=True, to_field='id', related_name='delegated_admin_grants', on_delete=OnDelete.CASCADE)),
                ('customer', fields.ForeignKeyField('models.Customer', source_field='customer_id', db_constraint=True, to_field='id', related_name='delegated_admin_grants', on_delete=OnDelete.CASCADE)),
                ('status', fields.CharEnumField(description='ACTIVE: ACTIVE\nREVOKING: REVOKING\nREVOKED: REVOKED', enum_type=DelegatedAdminStatus, max_length=16)),
                ('granted_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'delegated_admin_grants', 'app': 'models', 'indexes': [Index(fields=['partner_id', 'customer_id', 'granted_at'])], 'pk_attr': 'id', 'table_description': 'DAP held by a partner over a customer. A new row for every grant, so history stays.'},
            bases=['UUIDModel'],
        ),
        ops.CreateModel(
            name='GdapRelationship',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('partner', fields.ForeignKeyField('models.Partner', source_field='partner_id', db_constraint=True, to_field='id', related_name='gdap_relationships', on_delete=OnDelete.CASCADE)),
                ('customer', fields.ForeignKeyField('models.Customer', source_field='customer_id', db_constraint=True, to_field='id', related_name='gdap_relationships', on_delete=OnDelete.CASCADE)),
                ('display_name', fields.CharField(max_length=200)),
                ('status', fields.CharEnumField(description='APPROVAL_PENDING: APPROVAL_PENDING\nACTIVE: ACTIVE\nEXPIRED: EXPIRED\nTERMINATED: TERMINATED', enum_type=GdapStatus, max_length=32)),
                ('roles', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('ends_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'gdap_relationships', 'app': 'models', 'indexes': [Index(fields=['partner_id', 'customer_id'])], 'pk_attr': 'id'},
            bases=['UUIDModel'],
        ),
        ops.CreateModel(
            name='Invitation',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('partner', fields.ForeignKeyField('models.Partner', source_field='partner_id', db_constraint=True, to_field='id', related_name='invitations', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='EXISTING_CUSTOMER: EXISTING_CUSTOMER\nNEW_CUSTOMER: NEW_CUSTOMER', enum_type=InvitationKind, max_length=32)),
                ('status', fields.CharEnumField(description='DRAFT: DRAFT\nQUEUED: QUEUED\nSENT: SENT\nACCEPTED: ACCEPTED\nEXPIRED: EXPIRED\nCANCELLED: CANCELLED\nFAILED: FAILED', enum_type=InvitationStatus, max_length=16)),
                ('customer', fields.ForeignKeyField('models.Customer', source_field='customer_id', null=True, db_constraint=True, to_field='id', related_name='invitations', on_delete=OnDelete.SET_NULL)),
                ('recipient_email', fields.CharField(null=True, max_length=254)),
                ('indirect_provider', fields.ForeignKeyField('models.Partner', source_field='indirect_provider_id', null=True, db_constraint=True, to_field='id', related_name='provider_invitations', on_delete=OnDelete.SET_NULL)),
                ('channel', fields.CharEnumField(null=True, description='OWN_MARKETING: OWN_MARKETING\nMICROSOFT_REFERRAL: MICROSOFT_REFERRAL\nINDIRECT_PROVIDER: INDIRECT_PROVIDER', enum_type=AcquisitionChannel, max_length=32)),
                ('include_delegated_admin', fields.BooleanField(default=True)),
                ('token_salt', fields.CharField(max_length=32)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('language', fields.CharField(default='en', max_length=8)),
                ('subject', fields.CharField(max_length=300)),
                ('body_template', fields.TextField(unique=False)),
                ('created_by', fields.CharField(max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('accepted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('delivery_method', fields.CharEnumField(null=True, description='EMAIL: EMAIL\nMANUAL: MANUAL', enum_type=DeliveryMethod, max_length=16)),
                ('send_count', fields.IntField(default=0)),
                ('delivery_attempts', fields.IntField(default=0)),
                ('last_delivery_error', fields.TextField(null=True, unique=False)),
            ],
            options={'table': 'invitations', 'app': 'models', 'indexes': [Index(fields=['partner_id', 'created_at', 'id']), Index(fields=['indirect_provider_id', 'created_at']), Index(fields=['customer_id', 'partner_id']), Index(fields=['status', 'expires_at'])], 'pk_attr': 'id'},
            bases=['UUIDModel'],
        ),
        ops.CreateModel(
            name='Order',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('placed_by', fields.ForeignKeyField('models.Partner', source_field='placed_by_id', db_constraint=True, to_field='id', related_name='orders', on_delete=OnDelete.CASCADE)),
                ('on_behalf_of', fields.ForeignKeyField('models.Partner', source_field='on_behalf_of_id', null=True, db_constraint=True, to_field='id', related_name='orders_on_behalf', on_delete=OnDelete.SET_NULL)),
                ('customer', fields.ForeignKeyField('models.Customer', source_field='customer_id', db_constraint=True, to_field='id', related_name='orders', on_delete=OnDelete.CASCADE)),
                ('offer_id', fields.CharField(max_length=100)),
                ('quantity', fields.IntField()),
                ('created_by', fields.CharField(max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'orders', 'app': 'models', 'indexes': [Index(fields=['placed_by_id', 'created_at', 'id']), Index(fields=['on_behalf_of_id', 'created_at'])], 'pk_attr': 'id'},
            bases=['UUIDModel'],
        ),
        ops.CreateModel(
            name='ProviderLink',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('provider', fields.ForeignKeyField('models.Partner', source_field='provider_id', db_constraint=True, to_field='id', related_name='reseller_links', on_delete=OnDelete.CASCADE)),
                ('reseller', fields.ForeignKeyField('models.Partner', source_field='reseller_id', db_constraint=True, to_field='id', related_name='provider_links', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'provider_links', 'app': 'models', 'unique_together': (('provider', 'reseller'),), 'pk_attr': 'id', 'table_description': 'An indirect provider supplies an indirect reseller.'},
            bases=['UUIDModel'],
        ),
        ops.CreateModel(
            name='Relationship',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('partner', fields.ForeignKeyField('models.Partner', source_field='partner_id', db_constraint=True, to_field='id', related_name='relationships', on_delete=OnDelete.CASCADE)),
                ('customer', fields.ForeignKeyField('models.Customer', source_field='customer_id', db_constraint=True, to_field='id', related_name='relationships', on_delete=OnDelete.CASCADE)),
                ('type', fields.CharEnumField(description='NONE: NONE\nRESELLER: RESELLER', enum_type=RelationshipType, max_length=16)),
                ('channel', fields.CharEnumField(null=True, description='OWN_MARKETING: OWN_MARKETING\nMICROSOFT_REFERRAL: MICROSOFT_REFERRAL\nINDIRECT_PROVIDER: INDIRECT_PROVIDER', enum_type=AcquisitionChannel, max_length=32)),
                ('established_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('indirect_provider', fields.ForeignKeyField('models.Partner', source_field='indirect_provider_id', null=True, db_constraint=True, to_field='id', related_name='provided_relationships', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'relationships', 'app': 'models', 'unique_together': (('partner', 'customer'),), 'indexes': [Index(fields=['indirect_provider_id', 'customer_id'])], 'pk_attr': 'id', 'table_description': "A customer in a partner's list: known (`NONE`) or a reseller relationship."},
            bases=['UUIDModel'],
        ),
        ops.CreateModel(
            name='RelationshipRemoval',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('partner', fields.ForeignKeyField('models.Partner', source_field='partner_id', db_constraint=True, to_field='id', related_name='removals', on_delete=OnDelete.CASCADE)),
                ('customer', fields.ForeignKeyField('models.Customer', source_field='customer_id', db_constraint=True, to_field='id', related_name='removals', on_delete=OnDelete.CASCADE)),
                ('customer_tenant_id', fields.UUIDField()),
                ('customer_name', fields.CharField(max_length=200)),
                ('status', fields.CharEnumField(description='PENDING: PENDING\nCOMPLETED: COMPLETED\nFAILED: FAILED', enum_type=RemovalStatus, max_length=16)),
                ('reason', fields.CharField(null=True, max_length=1000)),
                ('requested_by', fields.CharField(max_length=200)),
                ('requested_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('completed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('delegated_admin_revoked', fields.BooleanField(default=False)),
                ('grant', fields.ForeignKeyField('models.DelegatedAdminGrant', source_field='grant_id', null=True, db_constraint=True, to_field='id', related_name='removals', on_delete=OnDelete.SET_NULL)),
                ('attempts', fields.IntField(default=0)),
                ('last_error', fields.TextField(null=True, unique=False)),
            ],
            options={'table': 'relationship_removals', 'app': 'models', 'indexes': [Index(fields=['partner_id', 'requested_at', 'id'])], 'pk_attr': 'id'},
            bases=['UUIDModel'],
        ),
    ]
