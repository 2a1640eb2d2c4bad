from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.migrations.constraints import UniqueConstraint

class Migration(migrations.Migration):
    dependencies = [('models', '0010_billing_profile_asked_at')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='PartnerCenterNotification',
            name='digest',
            field=fields.CharField(max_length=64),
        ),
        ops.AddConstraint(
            model_name='PartnerCenterNotification',
            constraint=UniqueConstraint(fields=('partner', 'digest'), name=None),
        ),
    ]
