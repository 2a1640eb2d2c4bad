from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0011_notification_digest_per_partner')]

    initial = False

    operations = [
        ops.AddField(
            model_name='RelationshipRemoval',
            name='attestation_language',
            field=fields.CharField(null=True, max_length=20),
        ),
    ]
