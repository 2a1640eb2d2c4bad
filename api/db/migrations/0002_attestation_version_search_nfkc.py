import unicodedata

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

BATCH = 1000


def _search_key(*values):
    # As search_key was when this migration was written (frozen): NFKC, case folded.
    text = unicodedata.normalize("NFKC", " ".join(values)).casefold()
    return unicodedata.normalize("NFKC", text)


async def refold_search_text(apps, schema_editor):
    """Full-width and other compatibility forms now match their plain letters: every
    customer's search text is folded again."""
    customer = apps.apps["models"]["Customer"]
    after = None
    while True:
        rows = customer.all().order_by("id").limit(BATCH)
        if after is not None:
            rows = rows.filter(id__gt=after)
        found = await rows.values_list("id", "company_name", "default_domain")
        for pk, name, domain in found:
            await customer.filter(id=pk).update(search_text=_search_key(name, domain))
        if len(found) < BATCH:
            return
        after = found[-1][0]


class Migration(migrations.Migration):
    dependencies = [('models', '0001_initial')]

    initial = False

    operations = [
        ops.AddField(
            model_name='RelationshipRemoval',
            name='attestation_version',
            field=fields.CharField(null=True, max_length=40),
        ),
        ops.RunPython(refold_search_text, ops.RunPython.noop),
    ]
