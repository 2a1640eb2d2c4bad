"""Trigram index for `customers(search:)` on PostgreSQL: a search matches anywhere in
the name or domain (LIKE '%term%'), which a b-tree cannot answer; without it every
search reads every customer. pg_trgm ships with PostgreSQL and is a trusted extension
(a database owner may create it). SQLite has no such index and needs none to stay
correct."""

from tortoise import migrations
from tortoise.migrations import operations as ops

INDEX = "customers_search_text_trigram"


async def create_trigram_index(apps, schema_editor):
    if schema_editor.client.capabilities.dialect != "postgres":
        return
    await schema_editor.client.execute_script(
        "CREATE EXTENSION IF NOT EXISTS pg_trgm;"
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON customers USING gin (search_text gin_trgm_ops);"
    )


async def drop_trigram_index(apps, schema_editor):
    if schema_editor.client.capabilities.dialect == "postgres":
        await schema_editor.client.execute_script(f"DROP INDEX IF EXISTS {INDEX};")


class Migration(migrations.Migration):
    dependencies = [("models", "0002_attestation_version_search_nfkc")]

    initial = False

    operations = [ops.RunPython(create_trigram_index, drop_trigram_index)]
