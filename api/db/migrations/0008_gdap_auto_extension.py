from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [('models', '0007_gdap_expiry_alerts')]

    initial = False

    operations = [
        ops.AddField(
            model_name='GdapRelationship',
            name='auto_extend_duration',
            field=fields.CharField(null=True, max_length=40),
        ),
    ]
