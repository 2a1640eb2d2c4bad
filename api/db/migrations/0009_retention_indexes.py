from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0008_gdap_auto_extension')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='PartnerCenterNotification',
            index=Index(fields=['received_at']),
        ),
        ops.AddIndex(
            model_name='WebhookDelivery',
            index=Index(fields=['created_at']),
        ),
    ]
